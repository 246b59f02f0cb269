//! Local servers for chart repositories, all on 127.0.0.1: a static HTTP server, the reference
//! OCI registry (Debian's `docker-registry`) and a bearer-token front for it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A static file server on 127.0.0.1 (GET only, optional basic auth), stopped on drop.
pub struct StaticServer {
    pub url: String,
    stop: Arc<AtomicBool>,
    address: std::net::SocketAddr,
}

impl StaticServer {
    pub fn start(root: &Path, basic_auth: Option<(&str, &str)>) -> StaticServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let root = root.to_path_buf();
        let expected = basic_auth.map(|(u, p)| {
            use base64::Engine as _;
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
            )
        });
        let stop_flag = stop.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop_flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let _ = serve(stream, &root, expected.as_deref());
                }
            }
        });
        StaticServer {
            url: format!("http://{address}"),
            stop,
            address,
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.address);
    }
}

fn serve(mut stream: TcpStream, root: &Path, auth: Option<&str>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut authorization = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("authorization")
        {
            authorization = Some(value.trim().to_string());
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let (status, body): (&str, Vec<u8>) = if auth.is_some() && authorization.as_deref() != auth {
        ("401 Unauthorized", b"unauthorized".to_vec())
    } else if path.contains("..") {
        ("400 Bad Request", Vec::new())
    } else {
        match std::fs::read(root.join(path.trim_start_matches('/'))) {
            Ok(bytes) => ("200 OK", bytes),
            Err(_) => ("404 Not Found", b"not found".to_vec()),
        }
    };
    let mut response = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if status.starts_with("401") {
        response.push_str("WWW-Authenticate: Basic realm=\"charts\"\r\n");
    }
    response.push_str("\r\n");
    stream.write_all(response.as_bytes())?;
    stream.write_all(&body)?;
    stream.flush()
}

/// A port nothing listens on.
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The reference OCI registry (`docker-registry` from Debian) on 127.0.0.1, killed on drop.
pub struct Registry {
    pub host: String,
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

pub const REGISTRY_BINARY: &str = "docker-registry";

impl Registry {
    pub fn start(htpasswd: Option<(&str, &str)>) -> Registry {
        let binary = which(REGISTRY_BINARY).unwrap_or_else(|| {
            panic!(
                "`{REGISTRY_BINARY}` is not installed: these tests need the reference OCI registry \
                 (`apt-get install docker-registry apache2-utils`)"
            )
        });
        let dir = tempfile::tempdir().unwrap();
        let port = closed_port();
        let mut config = format!(
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n",
            dir.path().join("data").display()
        );
        if let Some((user, password)) = htpasswd {
            let htpasswd_binary = which("htpasswd").unwrap_or_else(|| {
                panic!("`htpasswd` is not installed (`apt-get install apache2-utils`)")
            });
            let output = std::process::Command::new(htpasswd_binary)
                .args(["-Bbn", user, password])
                .output()
                .unwrap();
            assert!(output.status.success());
            let file = dir.path().join("htpasswd");
            std::fs::write(&file, output.stdout).unwrap();
            config.push_str(&format!(
                "auth:\n  htpasswd:\n    realm: basic-realm\n    path: {}\n",
                file.display()
            ));
        }
        let config_file = dir.path().join("config.yml");
        std::fs::write(&config_file, config).unwrap();
        let child = std::process::Command::new(binary)
            .arg("serve")
            .arg(&config_file)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let registry = Registry {
            host: format!("127.0.0.1:{port}"),
            child,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
                let _ = stream.write_all(b"GET /v2/ HTTP/1.0\r\n\r\n");
                let mut answer = String::new();
                let _ = stream.read_to_string(&mut answer);
                if answer.starts_with("HTTP/1.") {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "docker-registry did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        registry
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn which(binary: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join(binary))
        .find(|candidate| candidate.is_file())
}

/// A bearer-token front for a registry: `/token` hands out a token for the right basic
/// credentials, and `/v2/...` requests without that token get a `WWW-Authenticate: Bearer`
/// challenge; the rest are forwarded to the registry. Stopped on drop.
pub struct TokenFront {
    pub host: String,
    stop: Arc<AtomicBool>,
    address: std::net::SocketAddr,
}

pub const TOKEN: &str = "test-token-42";

impl TokenFront {
    pub fn start(backend: &str, user: &str, password: &str) -> TokenFront {
        use base64::Engine as _;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let stop_flag = stop.clone();
        let backend = backend.to_string();
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop_flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let backend = backend.clone();
                    let basic = basic.clone();
                    std::thread::spawn(move || {
                        let _ = front(stream, address, &backend, &basic);
                    });
                }
            }
        });
        TokenFront {
            host: address.to_string(),
            stop,
            address,
        }
    }
}

impl Drop for TokenFront {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.address);
    }
}

fn front(
    mut stream: TcpStream,
    address: std::net::SocketAddr,
    backend: &str,
    basic: &str,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut headers = Vec::new();
    let mut authorization = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((&line, ""));
        let value = value.trim().to_string();
        match name.to_ascii_lowercase().as_str() {
            "authorization" => authorization = value,
            "connection" => {}
            "content-length" => {
                length = value.parse().unwrap_or(0);
                headers.push(line);
            }
            _ => headers.push(line),
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let reply = |stream: &mut TcpStream, status: &str, extra: &str, body: &str| {
        let text = format!(
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
            body.len()
        );
        stream.write_all(text.as_bytes())
    };
    if path.starts_with("/token") {
        assert!(path.contains("service=test-registry"), "{path}");
        return if authorization == basic {
            reply(
                &mut stream,
                "200 OK",
                "Content-Type: application/json\r\n",
                &format!("{{\"token\":\"{TOKEN}\"}}"),
            )
        } else {
            reply(&mut stream, "401 Unauthorized", "", "{}")
        };
    }
    if authorization != format!("Bearer {TOKEN}") {
        let challenge = format!(
            "WWW-Authenticate: Bearer realm=\"http://{address}/token\",service=\"test-registry\",scope=\"repository:any:pull,push\"\r\n"
        );
        return reply(&mut stream, "401 Unauthorized", &challenge, "{}");
    }
    let mut upstream = TcpStream::connect(backend)?;
    let mut forwarded = request_line.clone();
    for header in headers {
        forwarded.push_str(&header);
    }
    forwarded.push_str("Connection: close\r\n\r\n");
    upstream.write_all(forwarded.as_bytes())?;
    upstream.write_all(&body)?;
    std::io::copy(&mut upstream, &mut stream)?;
    Ok(())
}
