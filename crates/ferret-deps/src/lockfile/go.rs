//! `go.mod`: `require` lines and blocks (`// indirect` marks transitive modules), with
//! `replace` directives applied (a module replaced by a local path is dropped).

use super::Package;
use crate::Ecosystem;
use std::collections::HashMap;

pub fn go_mod(content: &str) -> Vec<Package> {
    let mut required: Vec<Package> = Vec::new();
    let mut replaced: HashMap<String, Option<(String, String)>> = HashMap::new();
    let mut block: Option<&str> = None;
    for (i, raw) in content.lines().enumerate() {
        let line_no = i as u32 + 1;
        let (code, comment) = match raw.split_once("//") {
            Some((code, comment)) => (code.trim(), comment.trim()),
            None => (raw.trim(), ""),
        };
        if block.is_some() && code == ")" {
            block = None;
            continue;
        }
        let (directive, rest) = match block {
            Some(directive) => (directive, code),
            None => match code.split_once(char::is_whitespace) {
                Some((d, rest)) if rest.trim() == "(" => {
                    block = Some(if d == "require" {
                        "require"
                    } else if d == "replace" {
                        "replace"
                    } else {
                        "other"
                    });
                    continue;
                }
                Some((d, rest)) => (d, rest.trim()),
                None => continue,
            },
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        match directive {
            "require" if words.len() >= 2 => {
                let mut package = Package::new(Ecosystem::Go, words[0], words[1], line_no);
                package.direct = Some(!comment.split(';').any(|c| c.trim() == "indirect"));
                required.push(package);
            }
            "replace" => {
                if let Some(arrow) = words.iter().position(|w| *w == "=>") {
                    let target = match &words[arrow + 1..] {
                        [path, version] => Some((path.to_string(), version.to_string())),
                        _ => None, // a local directory
                    };
                    replaced.insert(words[0].to_string(), target);
                }
            }
            _ => {}
        }
    }
    required
        .into_iter()
        .filter_map(|mut package| match replaced.get(&package.name) {
            None => Some(package),
            Some(None) => None,
            Some(Some((path, version))) => {
                package.name = path.clone();
                package.version = version.clone();
                Some(package)
            }
        })
        .collect()
}
