//! Hostile input for every reader of what users, chart authors, repositories and clusters hand
//! us: values files and `--set` flags, a packaged chart's Chart.yaml, Chart.lock, values,
//! schema and templates (loaded and rendered), repository indexes, release records read back
//! from Secrets, OCI manifests and kubeconfigs. Seeded mutations of valid documents, and
//! documents nested far deeper than any real one, must each give `Ok` or an error, never a
//! panic, and an error must not quote a long input back whole.
//!
//! Deterministic (a fixed seed, a small xorshift generator) and bounded so that it runs in a
//! few seconds. A stack overflow aborts the whole test binary rather than failing one case:
//! the CLI tests in `tests/it/hostile.rs` pin those down with a clean exit code.

use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::values::{self, Map};

/// xorshift64*: plenty for choosing mutations, and the same sequence on every machine.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..bound` (`bound` > 0).
    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

/// Characters that mean something to YAML, JSON, `--set` or Tera, and a few that readers often
/// get wrong (tabs, a byte-order mark, Unicode line separators, non-ASCII letters).
const SPECIAL: &[char] = &[
    '[', ']', '{', '}', ':', ',', '-', '?', '|', '>', '&', '*', '!', '#', '\'', '"', '\n', ' ',
    '\t', '%', '@', '`', '\\', '=', '.', '~', '0', '9', 'é', '\u{2028}', '\u{FEFF}', '\0',
];

/// `seed` with one to four random edits: a character replaced, inserted or removed, a slice
/// deleted or copied elsewhere, or a short slice repeated up to 2,000 times (which nests).
fn mutate(random: &mut Random, seed: &str) -> String {
    let mut text: Vec<char> = seed.chars().collect();
    for _ in 0..=random.below(4) {
        let at = random.below(text.len() + 1);
        let special = SPECIAL[random.below(SPECIAL.len())];
        match random.below(6) {
            0 if at < text.len() => text[at] = special,
            1 => text.insert(at, special),
            2 if at < text.len() => {
                text.remove(at);
            }
            3 => {
                let end = (at + random.below(40)).min(text.len());
                text.drain(at..end);
            }
            4 => {
                let end = (at + random.below(40)).min(text.len());
                let copy: Vec<char> = text[at..end].to_vec();
                let to = random.below(text.len() + 1);
                text.splice(to..to, copy);
            }
            _ => {
                let end = (at + 1 + random.below(6)).min(text.len());
                let piece: Vec<char> = text[at.min(end)..end].to_vec();
                let times = 1 + random.below(2_000);
                let repeated: Vec<char> = piece
                    .iter()
                    .copied()
                    .cycle()
                    .take(piece.len() * times)
                    .collect();
                text.splice(at.min(end)..at.min(end), repeated);
            }
        }
    }
    text.into_iter().collect()
}

/// Documents nested `depth` levels deep in each way YAML and JSON allow.
fn nested(depth: usize) -> Vec<String> {
    let mut documents = vec![
        format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
        format!("a: {}{}", "[".repeat(depth), "]".repeat(depth)),
        format!("{}1{}", "{a: ".repeat(depth), "}".repeat(depth)),
        format!("{}1{}", "{\"a\": ".repeat(depth), "}".repeat(depth)),
        format!("a:\n{}x\n", "- ".repeat(depth)),
    ];
    // Block nesting costs one more column per level: its size grows with the square.
    let block = depth.min(600);
    documents.push(
        (0..block)
            .map(|i| format!("{}a:\n", " ".repeat(i)))
            .collect(),
    );
    documents.push(
        (0..block)
            .map(|i| format!("{}-\n", " ".repeat(i)))
            .collect(),
    );
    documents
}

/// Depths around the readers' limits, and far past them (block nesting stops at 600).
const DEPTHS: &[usize] = &[31, 32, 33, 63, 64, 65, 127, 128, 129, 100_000];

/// Every input a reader gets: its seeds mutated, the nested documents, and one seed made
/// longer than any message should quote.
fn inputs(seeds: &[&str], random: &mut Random, mutations: usize) -> Vec<String> {
    let mut inputs: Vec<String> = seeds.iter().map(|seed| seed.to_string()).collect();
    for index in 0..mutations {
        inputs.push(mutate(random, seeds[index % seeds.len()]));
    }
    for depth in DEPTHS {
        inputs.extend(nested(*depth));
    }
    inputs.push(format!("{}{}", seeds[0], "x".repeat(6_000)));
    inputs
}

/// The longest error message a reader may give for any input.
const MESSAGE_LIMIT: usize = 1_500;

/// Feeds each input to `read`, which returns the error message of a failure; fails on a panic
/// or an overlong message, naming the reader and the input.
fn check(reader: &str, inputs: &[String], read: &dyn Fn(&str) -> Result<(), String>) {
    for input in inputs {
        let shown = crate::error::truncate_for_message(input, 200);
        match catch_unwind(AssertUnwindSafe(|| read(input))) {
            Ok(Ok(())) => {}
            Ok(Err(message)) => assert!(
                message.chars().count() <= MESSAGE_LIMIT,
                "{reader}: a {}-character message for {shown:?}:\n{}",
                message.chars().count(),
                crate::error::truncate_for_message(&message, 2_000)
            ),
            Err(_) => panic!("{reader} panicked on {shown:?}"),
        }
    }
}

const VALUES: &str = "replicaCount: 2\nimage:\n  repository: nginx\n  tag: \"1.25\"\nlist: [1, two, {three: 3}]\nmap: {a: 1, b: [x, 'y']}\ntext: |\n  line one\n  line two\nanchor: &base {k: v}\nmerged:\n  <<: *base\n  z: 1\nempty:\nitems:\n  - name: a # comment\n    value: 1\n  - - x\n    - y\n";

const CHART_YAML: &str = "apiVersion: v2\nname: web\nversion: 1.2.3\nappVersion: \"1.0\"\nkubeVersion: \">=1.20.0-0\"\ntype: application\nkeywords: [a, b]\nmaintainers:\n  - name: me\n    email: me@example.com\n";

const CHART_LOCK: &str = "dependencies:\n- name: db\n  repository: https://example.com/charts\n  version: 1.2.3\ndigest: sha256:0000000000000000000000000000000000000000000000000000000000000000\ngenerated: \"2026-01-01T00:00:00Z\"\n";

const SCHEMA: &str = r##"{"$schema": "https://json-schema.org/draft-07/schema#", "type": "object", "properties": {"replicaCount": {"type": "integer", "minimum": 1}, "image": {"$ref": "#/definitions/image"}}, "definitions": {"image": {"type": "object", "required": ["repository"]}}}"##;

const TEMPLATE: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ Release.Name }}-cm\n  labels: {{ Values.map | toJson }}\ndata:\n  replicas: {{ Values.replicaCount | toJson | quote }}\n  values: {{ Values | toYaml | quote }}\n  back: {{ Values.text | fromYaml | toJson | quote }}\n{% for item in Values.items %}  item{{ loop.index }}: {{ item | toJson | quote }}\n{% endfor %}";

const INDEX: &str = "apiVersion: v1\nentries:\n  web:\n    - name: web\n      version: 1.2.3\n      appVersion: \"1.0\"\n      urls: [web-1.2.3.tgz]\n      digest: abc\n      created: \"2026-01-01T00:00:00Z\"\ngenerated: \"2026-01-01T00:00:00Z\"\n";

const MANIFEST: &str = r#"{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": {"mediaType": "application/vnd.cncf.helm.config.v1+json", "digest": "sha256:00", "size": 2}, "layers": [{"mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip", "digest": "sha256:11", "size": 10}], "annotations": {"a": "b"}}"#;

const KUBECONFIG: &str = "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:6443\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\n    namespace: dev\ncurrent-context: x\nusers:\n- name: u\n  user:\n    token: abc\n";

#[test]
fn yaml_and_values_readers_never_panic() {
    let mut random = Random(0x5EED_0001);
    let inputs = inputs(&[VALUES, CHART_YAML, INDEX], &mut random, 400);
    check("yaml::from_str", &inputs, &|text| {
        crate::yaml::from_str(text)
            .map(drop)
            .map_err(|e| e.to_string())
    });
    check("yaml::head", &inputs, &|text| {
        crate::yaml::head(text);
        Ok(())
    });
    check("values::parse_yaml", &inputs, &|text| {
        values::parse_yaml(text, "values.yaml")
            .map(drop)
            .map_err(|e| e.to_string())
    });
}

#[test]
fn set_flags_never_panic() {
    let mut random = Random(0x5EED_0002);
    let seeds = [
        r"a.b=c,list[0].x=1,m={x,y},e=,k\.d=1",
        r#"a={"b":[1,2,{"c":null}]},d="s",n=1.5"#,
        r#"{"image": {"tag": "2"}, "gone": null}"#,
    ];
    let inputs = inputs(&seeds, &mut random, 400);
    type Flag = fn(&str, &mut Map) -> Result<(), values::Error>;
    let flags: [(&str, Flag); 4] = [
        ("--set", values::parse_set),
        ("--set-string", values::parse_set_string),
        ("--set-json", values::parse_set_json),
        ("--set-literal", values::parse_set_literal),
    ];
    for (flag, parse) in flags {
        check(flag, &inputs, &|text| {
            parse(text, &mut Map::new()).map_err(|e| e.to_string())
        });
    }
}

/// A packaged chart `web` with `file` replaced by `text` (or added).
fn package(file: &str, text: &str) -> Vec<u8> {
    let mut files = vec![
        ("Chart.yaml", CHART_YAML),
        ("values.yaml", VALUES),
        ("values.schema.json", SCHEMA),
        ("templates/cm.yaml", TEMPLATE),
    ];
    match files.iter_mut().find(|(name, _)| *name == file) {
        Some(entry) => entry.1 = text,
        None => files.push((file, text)),
    }
    let mut archive = tar::Builder::new(Vec::new());
    for (name, text) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        archive
            .append_data(&mut header, format!("web/{name}"), text.as_bytes())
            .expect("tar entry");
    }
    let tar = archive.into_inner().expect("tar");
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gzip.write_all(&tar).expect("gzip");
    gzip.finish().expect("gzip")
}

#[test]
fn chart_files_are_loaded_and_rendered_without_panics() {
    let mut random = Random(0x5EED_0003);
    let files = [
        ("Chart.yaml", CHART_YAML),
        ("Chart.lock", CHART_LOCK),
        ("values.yaml", VALUES),
        ("values.schema.json", SCHEMA),
        ("templates/cm.yaml", TEMPLATE),
    ];
    for (file, seed) in files {
        let mut inputs = inputs(&[seed], &mut random, 60);
        // Documents 100,000 levels deep go to values.yaml only: the other files reach the same
        // readers (the depth scan, then serde_yaml), and a render of each costs seconds.
        inputs.retain(|text| text.len() < 50_000 || file == "values.yaml");
        check(file, &inputs, &|text| {
            let chart = crate::chart::load_archive_bytes(&package(file, text), "web-1.2.3.tgz")
                .map_err(|e| crate::error::Error::from(e).render())?;
            let options = crate::render::RenderOptions::default();
            crate::render::render(&chart, serde_json::json!({}), &options)
                .map(drop)
                .map_err(|e| crate::error::Error::from(e).render())
        });
    }
}

#[test]
fn repository_indexes_manifests_and_kubeconfigs_never_panic() {
    let mut random = Random(0x5EED_0004);
    let inputs_of = |seed: &str, random: &mut Random| inputs(&[seed], random, 300);
    check("index.yaml", &inputs_of(INDEX, &mut random), &|text| {
        crate::repo::index::IndexFile::parse(text.as_bytes(), "https://example.com/index.yaml")
            .map(drop)
            .map_err(|e| crate::error::Error::from(e).render())
    });
    check("OCI manifest", &inputs_of(MANIFEST, &mut random), &|text| {
        serde_json::from_str::<crate::repo::oci::Manifest>(text)
            .map(drop)
            .map_err(|e| e.to_string())
    });
    check("kubeconfig", &inputs_of(KUBECONFIG, &mut random), &|text| {
        kube::config::Kubeconfig::from_yaml(text)
            .map(drop)
            .map_err(|e| e.to_string())
    });
}

#[test]
fn release_records_read_back_from_the_cluster_never_panic() {
    use crate::release::encoding;
    let mut random = Random(0x5EED_0005);
    let record: crate::release::Release = serde_json::from_value(serde_json::json!({
        "name": "web", "namespace": "dev", "revision": 3, "status": "deployed",
        "chart": {"name": "web", "version": "1.2.3", "appVersion": "1.0", "digest": "sha256:00"},
        "config": {"a": [1, {"b": null}]}, "computedValues": {},
        "manifest": "apiVersion: v1\nkind: ConfigMap\n", "notes": "", "description": "Install complete",
        "firstDeployed": "2026-01-01T00:00:00Z", "lastDeployed": "2026-01-01T00:00:00Z",
        "labels": {"commit": "abc"}
    }))
    .expect("a release record");
    let secret = encoding::encode(&record).expect("encoded").remove(0);
    let json = serde_json::to_string(&record).expect("JSON");
    let with_payload = |payload: Vec<u8>| {
        let mut secret = secret.clone();
        secret
            .data
            .get_or_insert_default()
            .insert("release".to_string(), k8s_openapi::ByteString(payload));
        secret
    };
    // The JSON inside the gzip, mutated and nested.
    check(
        "release record JSON",
        &inputs(&[&json], &mut random, 300),
        &|text| {
            let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gzip.write_all(text.as_bytes()).expect("gzip");
            let secret = with_payload(gzip.finish().expect("gzip"));
            encoding::decode(&secret, &[])
                .map(drop)
                .map_err(|e| e.to_string())
        },
    );
    // The gzip itself, damaged; and the number of parts the record claims.
    let payload = secret.data.as_ref().expect("data")["release"].0.clone();
    for _ in 0..300 {
        let mut damaged = payload.clone();
        for _ in 0..=random.below(4) {
            let at = random.below(damaged.len());
            damaged[at] = random.next() as u8;
        }
        damaged.truncate(random.below(damaged.len() * 2).max(1));
        let result = catch_unwind(|| encoding::decode(&with_payload(damaged), &[]).map(drop));
        assert!(result.is_ok(), "decoding a damaged gzip panicked");
    }
    for claimed in ["0", "-1", "2", "18446744073709551616", "999999999999", "x"] {
        let mut secret = secret.clone();
        secret
            .metadata
            .annotations
            .get_or_insert_default()
            .insert(encoding::ANNOTATION_CHUNKS.to_string(), claimed.to_string());
        let names = encoding::chunk_names("web", 3, &secret);
        assert!(
            names.len() < encoding::MAX_CHUNKS,
            "{claimed}: {}",
            names.len()
        );
        let result = catch_unwind(|| encoding::decode(&secret, &[]).map(drop));
        assert!(result.is_ok(), "a record claiming {claimed} parts panicked");
    }
}
