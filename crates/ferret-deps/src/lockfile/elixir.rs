//! Elixir's `mix.lock`: `"name": {:hex, :package, "version", …}` entries (git and path
//! dependencies left out).

use super::Package;
use crate::Ecosystem;

pub fn mix_lock(content: &str) -> Vec<Package> {
    let mut packages = Vec::new();
    for (i, line) in content.lines().enumerate() {
        let Some((_, rest)) = line.split_once("{:hex, :") else {
            continue;
        };
        let mut fields = rest.splitn(3, ',');
        let (Some(package), Some(version)) = (fields.next(), fields.next()) else {
            continue;
        };
        let version = version.trim().trim_matches('"');
        if !package.is_empty() && !version.is_empty() {
            packages.push(Package::new(
                Ecosystem::Hex,
                package.trim(),
                version,
                i as u32 + 1,
            ));
        }
    }
    packages
}
