//! `app-hardcoded-database-password`: a database password written into settings.
//!
//! **What**: `spring.datasource.password` in `application.properties` / `application.yml`,
//! `password:` in Rails' `database.yml`, `define('DB_PASSWORD', '…')` in `wp-config.php`, and
//! `DB_PASSWORD=…`-style lines (`DATABASE_PASSWORD`, `POSTGRES_PASSWORD`, `MYSQL_PASSWORD`,
//! `MYSQL_ROOT_PASSWORD`) in committed `.env` files. References (`${DB_PASSWORD}`,
//! `<%= ENV[…] %>`) and empty values are fine. (Django's `DATABASES` is the code rule
//! `py-django-database-password`.)
//! **Why**: the database password is then in every clone, fork and backup of the repository
//! and cannot be rotated without a code change.
//! **Example**: `spring.datasource.password=<the real password>`.
//! **Fix**: inject it from the environment or a secret manager
//! (`spring.datasource.password=${DB_PASSWORD}`).

use super::{finding_at, regex, AppFile, Check, Lang};
use crate::misconfig::CheckMeta;
use ferret_core::{Confidence, Finding, Severity};
use regex::Regex;
use std::sync::LazyLock;

pub struct DatabasePassword;

static META: CheckMeta = CheckMeta {
    id: "app-hardcoded-database-password",
    doc: include_str!("database_password.rs"),
    title: "Hard-coded database password",
    format: "Application",
    severity: Severity::High,
    confidence: Confidence::Medium,
};

static PROPERTIES: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?m)^\s*spring\.datasource\.password\s*[=:]\s*(\S+)"));
static YAML: LazyLock<Regex> =
    LazyLock::new(|| regex(r#"(?m)^\s+password\s*:\s*["']?([^"'\s#]+)["']?\s*$"#));
static WORDPRESS: LazyLock<Regex> =
    LazyLock::new(|| regex(r#"define\(\s*["']DB_PASSWORD["']\s*,\s*["']([^"'\n]+)["']"#));
static DOTENV: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"(?m)^\s*(?:export\s+)?(?:DB|DATABASE|POSTGRES|PG|MYSQL|MYSQL_ROOT|MARIADB|MONGO|MONGODB)_PASS(?:WORD)?\s*=\s*["']?([^"'\s#]+)"#,
    )
});

fn literal(value: &str) -> bool {
    !value.is_empty()
        && !value.contains("${")
        && !value.contains("<%")
        && !value.contains("{{")
        && !value.starts_with('$')
        && !matches!(value, "null" | "~" | "\"\"" | "''")
}

impl<'a> Check<AppFile<'a>> for DatabasePassword {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }
    fn keywords(&self) -> &'static [&'static str] {
        &["PASSWORD", "password", "_PASS"]
    }
    fn run(&self, _path: &str, file: &AppFile<'a>, findings: &mut Vec<Finding>) {
        let name = file.path.rsplit('/').next().unwrap_or(file.path);
        let pattern: &Regex = match file.lang {
            Lang::Php if name == "wp-config.php" => &WORDPRESS,
            Lang::Config if name.starts_with("application") && name.ends_with(".properties") => {
                &PROPERTIES
            }
            Lang::Config
                if (name.starts_with("application") && file.text.contains("datasource"))
                    || name == "database.yml" =>
            {
                &YAML
            }
            Lang::Config
                if name.starts_with(".env")
                    && !name.contains("example")
                    && !name.contains("sample") =>
            {
                &DOTENV
            }
            _ => return,
        };
        for caps in pattern.captures_iter(file.text) {
            let (whole, value) = (caps.get(0).expect("match"), caps.get(1).expect("group"));
            if literal(value.as_str()) {
                findings.push(finding_at(
                    &META,
                    file,
                    whole.start(),
                    whole.end(),
                    whole.as_str(),
                    Some(value.as_str()),
                ));
            }
        }
    }
}
