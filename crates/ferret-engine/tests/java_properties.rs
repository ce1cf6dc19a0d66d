//! Java properties in tree scans: a `getProperty("key", default)` of a resource the class loads
//! reads the value of the project's properties file (found where Java finds it), so the code
//! rules judge the algorithm the program runs with, not the default written beside it.

use ferret_engine::{Config, ScanSettings, Scanner};
use std::path::Path;

const HASH: &str = r#"package com.example;

import java.security.MessageDigest;
import java.util.Properties;

class Hash {
    byte[] digest(byte[] data) throws Exception {
        Properties props = new Properties();
        props.load(getClass().getClassLoader().getResourceAsStream("app.properties"));
        String algorithm = props.getProperty("hashAlg", "SHA-256");
        return MessageDigest.getInstance(algorithm).digest(data);
    }

    byte[] inline(Properties props, byte[] data) throws Exception {
        return MessageDigest.getInstance(props.getProperty("hashAlg", "SHA-256")).digest(data);
    }
}
"#;

const CIPHER: &str = r#"package com.example;

import java.util.Properties;
import javax.crypto.Cipher;

class Crypt {
    Cipher cipher() throws Exception {
        Properties props = new Properties();
        props.load(Crypt.class.getResourceAsStream("/app.properties"));
        String transformation = props.getProperty("cipher", "AES/ECB/PKCS5Padding");
        return Cipher.getInstance(transformation);
    }
}
"#;

const PROPERTIES: &str = "# algorithms\nhashAlg=MD5\ncipher = AES/GCM/NoPadding\n";

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn project(properties: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app/src/main/java/com/example/Hash.java", HASH);
    write(
        dir.path(),
        "app/src/main/java/com/example/Crypt.java",
        CIPHER,
    );
    if let Some(text) = properties {
        write(dir.path(), "app/src/main/resources/app.properties", text);
    }
    dir
}

/// (rule, file name, line, column) of every code finding of a scan of `root`.
fn code_findings(root: &Path) -> Vec<(String, String, u32, u32)> {
    let scanner = Scanner::new(root, &Config::default(), &ScanSettings::default()).unwrap();
    let report = scanner.scan_tree(root, None).unwrap();
    let mut found: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule_id.starts_with("java-"))
        .map(|f| {
            let name = f.location.path.rsplit('/').next().unwrap().to_string();
            (
                f.rule_id.clone(),
                name,
                f.location.start_line,
                f.location.start_column,
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_property_reads_the_projects_properties_file_value() {
    let dir = project(Some(PROPERTIES));
    let column = |line: usize, text: &str| HASH.lines().nth(line - 1).unwrap().find(text).unwrap();
    // MD5 from the file, though the code says SHA-256; the file's AES/GCM, though the code's
    // default is ECB. Places are those of the file as written.
    assert_eq!(
        code_findings(dir.path()),
        [
            (
                "java-weak-hash".to_string(),
                "Hash.java".to_string(),
                11,
                column(11, "MessageDigest") as u32 + 1
            ),
            (
                "java-weak-hash".to_string(),
                "Hash.java".to_string(),
                15,
                column(15, "MessageDigest") as u32 + 1
            ),
        ]
    );
    let scanner = Scanner::new(dir.path(), &Config::default(), &ScanSettings::default()).unwrap();
    let report = scanner.scan_tree(dir.path(), None).unwrap();
    let inline = report
        .findings
        .iter()
        .find(|f| f.location.start_line == 15)
        .unwrap();
    assert!(inline.snippet.contains("SHA-256"), "{}", inline.snippet);
    assert!(!inline.snippet.contains("MD5"), "{}", inline.snippet);
}

#[test]
fn without_the_file_the_defaults_written_in_the_code_count() {
    let dir = project(None);
    let found: Vec<(String, String)> = code_findings(dir.path())
        .into_iter()
        .map(|(rule, file, _, _)| (rule, file))
        .collect();
    assert_eq!(
        found,
        [("java-weak-cipher".to_string(), "Crypt.java".to_string())]
    );
    // A key the file does not define keeps its default too.
    let other = project(Some("unrelated=MD5\n"));
    assert_eq!(code_findings(other.path()).len(), 1);
}

#[test]
fn a_file_outside_the_tree_is_not_read_through_a_link() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "app.properties", PROPERTIES);
    let dir = project(None);
    let resources = dir.path().join("app/src/main/resources");
    std::fs::create_dir_all(&resources).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("app.properties"),
        resources.join("app.properties"),
    )
    .unwrap();
    assert_eq!(code_rules(dir.path()), ["java-weak-cipher"]);
    // Nor through a linked folder.
    let linked = project(None);
    std::os::unix::fs::symlink(outside.path(), linked.path().join("app/src/main/resources"))
        .unwrap();
    assert_eq!(code_rules(linked.path()), ["java-weak-cipher"]);
}

/// The rule of every code finding of a scan of `root`.
fn code_rules(root: &Path) -> Vec<String> {
    code_findings(root)
        .into_iter()
        .map(|(rule, _, _, _)| rule)
        .collect()
}

#[test]
fn a_single_file_without_its_project_keeps_the_defaults() {
    let dir = project(Some(PROPERTIES));
    let scanner = Scanner::new(dir.path(), &Config::default(), &ScanSettings::default()).unwrap();
    let (findings, _) = scanner.scan_file("Crypt.java", CIPHER.as_bytes());
    let rules: Vec<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
    assert_eq!(rules, ["java-weak-cipher"]);
}
