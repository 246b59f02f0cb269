//! Small general pieces the rest of the crate shares: the one clock, atomic file writes, sha256
//! digests, and running async code from the synchronous CLI.

pub mod clock;
pub mod fs;

use sha2::Digest as _;

/// Runs a future to completion on a small runtime of its own (the CLI is synchronous; the
/// network and cluster edges are async).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread tokio runtime builds")
        .block_on(future)
}

/// The gunzipped `bytes` of a record read from the cluster, refused past `limit` bytes (a
/// small gzip can expand a thousandfold); the error says what is wrong with them.
pub fn gunzip_at_most(bytes: &[u8], limit: u64) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(limit + 1)
        .read_to_end(&mut plain)
        .map_err(|e| format!("not gzip: {e}"))?;
    if plain.len() as u64 > limit {
        return Err(format!(
            "the record decompresses to more than {limit} bytes"
        ));
    }
    Ok(plain)
}

/// The lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
