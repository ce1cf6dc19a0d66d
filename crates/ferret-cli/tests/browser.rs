//! The dashboard in a real Chromium (Debian's `chromium` and `chromium-driver`, driven over
//! WebDriver): a team's whole journey — sign up, create a team, add a repository, create a
//! token, invite a member, upload a scan with the CLI, see the findings, triage one, rescan (the
//! triage stays, the removed secret is fixed), read and verify the audit log — then the member's
//! side: accept the invitation, admin pages refused even when the URL is typed, a form post
//! without the CSRF token refused. Hostile names (a team, a file path, a branch) render as text
//! and no dialog ever opens; axe-core finds no serious or critical accessibility violation on
//! any page; every page fits a 320 px wide screen. Screenshots of the main pages go to
//! `target/screenshots/`.
//!
//! Needs `chromium`, `chromedriver` and axe-core (`FERRET_AXE`: the path of `axe.min.js`).
//! Without them the test is skipped, unless `FERRET_REQUIRE_BROWSER=1` (set by CI).

mod common;

use common::server::start_with;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "correct horse battery staple";
const HOSTILE_TEAM: &str = "Team <script>alert(1)</script>";
const HOSTILE_FILE: &str = "\"><img src=x onerror=alert(2)>.env";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What the test needs, or why it is skipped.
fn tools() -> Option<(PathBuf, PathBuf, String)> {
    let required = std::env::var("FERRET_REQUIRE_BROWSER").as_deref() == Ok("1");
    let find = |name: &str| -> Option<PathBuf> {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        })
    };
    let chromium = find("chromium");
    let driver = find("chromedriver");
    let axe = std::env::var("FERRET_AXE")
        .ok()
        .and_then(|path| std::fs::read_to_string(path).ok());
    match (chromium, driver, axe) {
        (Some(chromium), Some(driver), Some(axe)) => Some((chromium, driver, axe)),
        missing => {
            let message = format!(
                "browser test needs chromium, chromedriver and FERRET_AXE (have: {}, {}, {})",
                missing.0.is_some(),
                missing.1.is_some(),
                missing.2.is_some()
            );
            assert!(!required, "{message}");
            eprintln!("skipping: {message}");
            None
        }
    }
}

async fn start_browser(chromium: &Path, driver: &Path) -> (Driver, Client) {
    let port = common::server::free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let driver = Driver(child);
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while ureq::get(&format!("{url}/status")).call().is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--no-first-run", "--disable-extensions"],
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&url)
        .await
        .expect("a Chromium session");
    (driver, client)
}

/// The browser and what every step checks.
struct Tab {
    client: Client,
    base: String,
    axe: String,
    shots: PathBuf,
    /// Pages axe-core has checked (each once).
    checked: std::collections::BTreeSet<String>,
}

impl Tab {
    async fn open(&mut self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
        self.after_load().await;
    }

    /// After every page: no dialog opened (a hostile name ran as script), and axe-core finds
    /// nothing serious on a page not yet checked.
    async fn after_load(&mut self) {
        if let Ok(text) = self.client.get_alert_text().await {
            panic!("a dialog opened: {text:?} on {}", self.path().await);
        }
        let path = self.path().await;
        let page = path.split('?').next().unwrap_or("").to_string();
        let shape: String = page
            .split('/')
            .map(|part| {
                if part.starts_with("ws_") || part.len() > 20 {
                    "*"
                } else {
                    part
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        if self.checked.insert(shape.clone()) {
            let violations = self
                .client
                .execute_async(
                    &format!(
                        "{}\nconst done = arguments[arguments.length - 1];\n\
                         axe.run(document, {{resultTypes: ['violations']}}).then(r => done(r.violations\
                         .filter(v => v.impact === 'serious' || v.impact === 'critical')\
                         .map(v => v.id + ': ' + v.help + ' (' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ') + ')')));",
                        self.axe
                    ),
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(violations, json!([]), "accessibility violations on {shape}");
        }
    }

    async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        let mut path = url.path().to_string();
        if let Some(query) = url.query() {
            path.push('?');
            path.push_str(query);
        }
        path
    }

    async fn fill(&self, css: &str, text: &str) {
        let field = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        let at = self.path().await;
        field
            .clear()
            .await
            .unwrap_or_else(|e| panic!("{css} on {at}: {e}"));
        field.send_keys(text).await.unwrap();
    }

    async fn click(&mut self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// Clicks a button that submits a form, and waits for the next page.
    async fn submit(&mut self, css: &str) {
        self.client
            .execute("window.__before_submit = true;", vec![])
            .await
            .unwrap();
        self.click(css).await;
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let old = self
                .client
                .execute(
                    "return window.__before_submit === true || document.readyState !== 'complete';",
                    vec![],
                )
                .await
                .unwrap_or(Value::Bool(true));
            if old == Value::Bool(false) {
                break;
            }
            assert!(Instant::now() < deadline, "{css}: no new page");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        self.after_load().await;
    }

    async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    async fn text_of(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
    }

    /// Signs up and in through the forms; returns the path of the first page after it.
    async fn sign_up(&mut self, email: &str) -> String {
        self.open("/signup").await;
        self.fill("input[name=email]", email).await;
        self.fill("input[name=password]", PASSWORD).await;
        self.submit("main form button[type=submit]").await;
        let at = self.path().await;
        assert!(at.starts_with("/login"), "{at}: {}", self.text().await);
        self.fill("input[name=email]", email).await;
        self.fill("input[name=password]", PASSWORD).await;
        self.submit("main form button[type=submit]").await;
        self.path().await
    }
}

fn git(dir: &Path, args: &[&str]) {
    common::git(dir, args);
}

fn upload(base: &str, token: &str, dir: &Path) -> String {
    let out = common::ferret()
        .args(["scan", ".", "--no-progress", "--upload", base])
        .args(["--upload-repository", "app", "--upload-branch", "main"])
        .env("FERRET_TOKEN", token)
        .current_dir(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(stderr.contains("uploaded"), "{stderr}");
    stderr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_works_through_the_dashboard_in_chromium() {
    let Some((chromium, driver_path, axe)) = tools() else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let server = start_with(
        &scratch.path().join("data"),
        &scratch.path().join("server.log"),
        &[],
    );
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let (_driver, client) = start_browser(&chromium, &driver_path).await;
    let mut tab = Tab {
        client,
        base: server.url.clone(),
        axe,
        shots,
        checked: Default::default(),
    };

    // The owner signs up and lands on the personal workspace, with the first-scan hint.
    tab.open("/login").await;
    tab.screenshot("login").await;
    let landing = tab.sign_up("owner@example.com").await;
    assert!(landing.starts_with("/w/ws_"), "{landing}");
    assert!(tab.text().await.contains("No scans yet"));

    // A team, named by a hostile string, from the workspace menu.
    tab.click("details.switcher summary").await;
    tab.fill("details.switcher input[name=name]", HOSTILE_TEAM)
        .await;
    tab.submit("details.switcher button[type=submit]").await;
    let team_path = tab.path().await;
    let ws = team_path
        .trim_start_matches("/w/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    assert!(ws.starts_with("ws_"), "{team_path}");
    assert!(
        tab.text().await.contains(HOSTILE_TEAM),
        "the name shows as text"
    );

    // A repository and a token for uploads (its value shown once).
    tab.open(&format!("/w/{ws}/repositories")).await;
    tab.fill(
        "form[aria-label='Add a repository'] input[name=name]",
        "app",
    )
    .await;
    tab.submit("form[aria-label='Add a repository'] button")
        .await;
    tab.open(&format!("/w/{ws}/tokens")).await;
    tab.fill("form[action$='/tokens'] input[name=name]", "CI upload")
        .await;
    tab.submit("form[action$='/tokens'] button[type=submit]")
        .await;
    let token = tab.text_of(".secret-once").await;
    assert!(token.starts_with("ferret_pat_"), "{token}");
    tab.open(&format!("/w/{ws}/tokens")).await;
    assert!(!tab.text().await.contains(&token), "shown once only");

    // An invitation for the member.
    tab.open(&format!("/w/{ws}/members")).await;
    tab.fill(
        "form[action$='/members/invite'] input[name=email]",
        "member@example.com",
    )
    .await;
    tab.submit("form[action$='/members/invite'] button").await;
    let invitation = tab.text_of(".secret-once").await;
    assert!(
        invitation.contains("/invitations/accept?token="),
        "{invitation}"
    );

    // A scan uploaded with the CLI: three secrets, one in a file with a hostile name.
    let repo = scratch.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(
        repo.join("config.py"),
        format!("TOKEN = \"{}\"\n", common::github_token()),
    )
    .unwrap();
    std::fs::write(
        repo.join("payments.py"),
        format!("STRIPE = \"{}\"\n", common::stripe_key()),
    )
    .unwrap();
    std::fs::write(
        repo.join(HOSTILE_FILE),
        format!("SLACK={}\n", common::slack_token()),
    )
    .unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "first"]);
    upload(&server.url, &token, &repo);

    tab.open(&format!("/w/{ws}/findings")).await;
    let list = tab.text().await;
    assert!(list.contains("3 findings"), "{list}");
    assert!(list.contains(HOSTILE_FILE), "the path shows as text");
    tab.screenshot("findings").await;
    tab.open(&format!("/w/{ws}")).await;
    tab.screenshot("overview").await;

    // Triage the config.py finding as a false positive.
    tab.open(&format!("/w/{ws}/findings?path=config.py")).await;
    tab.submit("table tbody a").await;
    let finding = tab.path().await;
    tab.click("input[value=false_positive]").await;
    tab.fill("textarea[name=comment]", "a test fixture").await;
    tab.submit("form[action$='/triage'] button[type=submit]")
        .await;
    let detail = tab.text().await;
    assert!(
        detail.contains("The finding's state was saved."),
        "{detail}"
    );
    assert!(
        detail.contains("False positive by owner@example.com"),
        "{detail}"
    );
    tab.screenshot("finding").await;

    // Rescan without the hostile file: the triage stays, the removed secret is fixed.
    std::fs::remove_file(repo.join(HOSTILE_FILE)).unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "remove the slack token"]);
    upload(&server.url, &token, &repo);
    tab.open(finding.split('?').next().unwrap()).await;
    assert!(
        tab.text().await.contains("State\nFalse positive")
            || tab.text().await.contains("State False positive")
    );
    tab.open(&format!("/w/{ws}/findings?state=fixed")).await;
    let fixed = tab.text().await;
    assert!(fixed.contains("1 finding match"), "{fixed}");
    assert!(fixed.contains(HOSTILE_FILE));
    tab.open(&format!("/w/{ws}/findings?state=open")).await;
    assert!(tab.text().await.contains("1 finding match"));

    // The audit log shows each step, and its chain verifies.
    tab.open(&format!("/w/{ws}/audit")).await;
    let audit = tab.text().await;
    for action in [
        "workspace.create",
        "repository.create",
        "invitation.create",
        "scan.upload",
        "finding.triage",
    ] {
        assert!(
            audit.contains(action),
            "{action} missing from the audit log"
        );
    }
    tab.submit("form[action$='/audit/verify'] button").await;
    assert!(tab.text().await.contains("The chain is intact"));
    for page in ["repositories", "members", "settings"] {
        tab.open(&format!("/w/{ws}/{page}")).await;
    }
    tab.open("/account").await;

    // Every page on a 320 px screen: nothing wider than the window (wide tables scroll inside
    // their own box).
    tab.client.set_window_size(320, 800).await.unwrap();
    let finding_page = finding.split('?').next().unwrap().to_string();
    for path in [
        format!("/w/{ws}"),
        format!("/w/{ws}/findings"),
        finding_page,
        format!("/w/{ws}/repositories"),
        format!("/w/{ws}/members"),
        format!("/w/{ws}/tokens"),
        format!("/w/{ws}/audit"),
        format!("/w/{ws}/settings"),
        "/account".to_string(),
    ] {
        tab.open(&path).await;
        let overflow = tab
            .client
            .execute(
                "return document.documentElement.scrollWidth - window.innerWidth;",
                vec![],
            )
            .await
            .unwrap();
        let culprits = tab
            .client
            .execute(
                "return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap')).slice(0, 12).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().width) + '/' + e.scrollWidth);",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            overflow.as_i64().unwrap_or(1) <= 0,
            "{path} is wider than 320 px by {overflow}: {culprits}"
        );
    }
    tab.open(&format!("/w/{ws}/findings")).await;
    tab.screenshot("findings-320").await;
    tab.client.set_window_size(1280, 900).await.unwrap();

    // The member: signs up, accepts, and is refused admin pages even by typed URL.
    tab.client.delete_all_cookies().await.unwrap();
    tab.sign_up("member@example.com").await;
    let accept = invitation.split_once("/invitations/").unwrap().1;
    tab.open(&format!("/invitations/{accept}")).await;
    tab.submit("form[action='/invitations/accept'] button")
        .await;
    assert!(tab.path().await.starts_with(&format!("/w/{ws}")));
    assert!(tab.text().await.contains("You joined the workspace."));
    let nav = tab.text_of("header.top").await;
    assert!(
        !nav.contains("Audit log") && !nav.contains("Settings"),
        "{nav}"
    );
    for page in ["audit", "settings"] {
        tab.open(&format!("/w/{ws}/{page}")).await;
        let refused = tab.text().await;
        assert!(refused.contains("Not allowed"), "{page}: {refused}");
    }
    tab.open(&format!("/w/{ws}/members")).await;
    assert!(!tab.text().await.contains("Invite someone"));

    // A state change without the form's CSRF token is refused, from this very page.
    let status: Value = tab
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             fetch(arguments[0], {method: 'POST', headers: {'content-type': 'application/x-www-form-urlencoded'},\
             body: 'state=open'}).then(r => done(r.status));",
            vec![json!(format!("{}/triage", finding.split('?').next().unwrap()))],
        )
        .await
        .unwrap();
    assert_eq!(status, json!(403));
    tab.open(finding.split('?').next().unwrap()).await;
    assert!(tab
        .text()
        .await
        .contains("False positive by owner@example.com"));

    // Pages axe-core checked, for the record (every one above, once each).
    assert!(tab.checked.len() >= 12, "{:?}", tab.checked);
    tab.client.close().await.unwrap();
}
