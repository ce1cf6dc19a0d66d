//! `Gemfile.lock`: the `specs:` of every `GEM` source (four-space entries `name (version)`,
//! a platform suffix such as `-x86_64-linux` dropped); direct when listed under
//! `DEPENDENCIES`.

use super::Package;
use crate::Ecosystem;
use std::collections::HashSet;

pub fn gemfile_lock(content: &str) -> Vec<Package> {
    let mut packages = Vec::new();
    let mut section = "";
    let mut in_specs = false;
    let mut direct: HashSet<String> = HashSet::new();
    for (i, line) in content.lines().enumerate() {
        if !line.starts_with(' ') && !line.is_empty() {
            section = line.trim();
            in_specs = false;
            continue;
        }
        if line.trim() == "specs:" {
            in_specs = true;
            continue;
        }
        if section == "DEPENDENCIES" && line.starts_with("  ") && !line.starts_with("   ") {
            let name = line.trim().split([' ', '!']).next().unwrap_or("");
            direct.insert(name.to_string());
        }
        if section != "GEM" || !in_specs || !line.starts_with("    ") || line.starts_with("     ") {
            continue;
        }
        let Some((name, rest)) = line.trim().split_once(" (") else {
            continue;
        };
        let version = rest.trim_end_matches(')');
        let version = match version.split_once('-') {
            Some((v, platform))
                if platform.chars().any(|c| c.is_ascii_alphabetic())
                    && !platform.starts_with(|c: char| c.is_ascii_digit()) =>
            {
                v
            }
            _ => version,
        };
        packages.push(Package::new(
            Ecosystem::RubyGems,
            name,
            version,
            i as u32 + 1,
        ));
    }
    for package in &mut packages {
        if !direct.is_empty() {
            package.direct = Some(direct.contains(&package.name));
        }
    }
    packages
}
