//! The page shell: document head (the hashed stylesheet and script, nothing else), the top bar
//! with the workspace switcher and the sections of the current workspace, and small pieces
//! every page uses (hidden CSRF field, severity badge, notices, empty states).

use super::form::Viewer;
use super::{assets, PageError, PageResult};
use crate::auth::Role;
use crate::routes::workspaces::{self, WorkspaceOut};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use maud::{html, Markup, DOCTYPE};

/// The sections of a workspace, in the order of the navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Overview,
    Findings,
    Repositories,
    Members,
    Tokens,
    Audit,
    Settings,
    Account,
}

impl Section {
    fn label(self) -> &'static str {
        match self {
            Section::Overview => "Overview",
            Section::Findings => "Findings",
            Section::Repositories => "Repositories & scans",
            Section::Members => "Members",
            Section::Tokens => "API tokens",
            Section::Audit => "Audit log",
            Section::Settings => "Settings",
            Section::Account => "Account",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Section::Overview => "",
            Section::Findings => "/findings",
            Section::Repositories => "/repositories",
            Section::Members => "/members",
            Section::Tokens => "/tokens",
            Section::Audit => "/audit",
            Section::Settings => "/settings",
            Section::Account => "",
        }
    }

    /// Sections only admins and owners are shown (the server refuses the rest anyway).
    fn admin_only(self) -> bool {
        matches!(self, Section::Audit | Section::Settings)
    }
}

/// What every page of a signed-in user knows: who, their workspaces, the current one.
pub struct Context {
    pub viewer: Viewer,
    pub workspaces: Vec<WorkspaceOut>,
    pub current: Option<WorkspaceOut>,
}

impl Context {
    /// Loads the viewer's workspaces; `ws`, when given, must be one of them (else 404, as
    /// the API answers for a workspace the caller is not in).
    pub async fn load(state: &AppState, viewer: Viewer, ws: Option<&str>) -> PageResult<Context> {
        let workspaces = workspaces::list(State(state.clone()), viewer.caller.clone())
            .await?
            .0
            .items;
        let current = match ws {
            Some(ws) => Some(
                workspaces
                    .iter()
                    .find(|w| w.id == ws)
                    .map(clone_workspace)
                    .ok_or_else(|| PageError::Api(crate::error::ApiError::not_found()))?,
            ),
            None => None,
        };
        Ok(Context {
            viewer,
            workspaces,
            current,
        })
    }

    /// The current workspace's id (pages under `/w/{ws}` always have one).
    pub fn ws(&self) -> &str {
        self.current.as_ref().map(|w| w.id.as_str()).unwrap_or("")
    }

    /// The viewer's role in the current workspace.
    pub fn role(&self) -> Role {
        self.current
            .as_ref()
            .and_then(|w| Role::parse(&w.role))
            .unwrap_or(Role::Member)
    }

    pub fn is_admin(&self) -> bool {
        self.role() >= Role::Admin
    }

    /// A path inside the current workspace.
    pub fn at(&self, rest: &str) -> String {
        format!("/w/{}{rest}", self.ws())
    }
}

fn clone_workspace(w: &WorkspaceOut) -> WorkspaceOut {
    WorkspaceOut {
        id: w.id.clone(),
        name: w.name.clone(),
        personal: w.personal,
        role: w.role.clone(),
        created_at: w.created_at.clone(),
        check_policy: w.check_policy.clone(),
        retention_days: w.retention_days,
    }
}

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="referrer" content="no-referrer";
            title { (title) " · Ferret" }
            link rel="stylesheet" href=(assets::css_url());
            script src=(assets::js_url()) defer {}
        }
    }
}

/// The hidden field that carries the session's CSRF token in every form.
pub fn csrf(viewer: &Viewer) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(viewer.csrf); }
}

/// A page of a signed-in user.
pub fn page(title: &str, cx: &Context, section: Section, body: Markup) -> Markup {
    let sections = [
        Section::Overview,
        Section::Findings,
        Section::Repositories,
        Section::Members,
        Section::Tokens,
        Section::Audit,
        Section::Settings,
    ];
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title))
            body {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    a.brand href="/" { "Ferret" }
                    details.switcher {
                        summary {
                            span.visually-hidden { "Workspace: " }
                            @match &cx.current {
                                Some(w) => (w.name),
                                None => "Workspaces",
                            }
                        }
                        ul aria-label="Your workspaces" {
                            @for w in &cx.workspaces {
                                li {
                                    a href={ "/w/" (w.id) } aria-current=[cx.current.as_ref().filter(|c| c.id == w.id).map(|_| "true")] {
                                        (w.name)
                                    }
                                    " "
                                    span.muted { (w.role) }
                                }
                            }
                            li {
                                form.stack method="post" action="/teams" {
                                    (csrf(&cx.viewer))
                                    label { "New team workspace" input name="name" required maxlength="100" autocomplete="off"; }
                                    button type="submit" { "Create team" }
                                }
                            }
                        }
                    }
                    @if cx.current.is_some() {
                        nav aria-label="Workspace" {
                            ul {
                                @for s in sections {
                                    @if !s.admin_only() || cx.is_admin() {
                                        li {
                                            a href=(cx.at(s.path())) aria-current=[(s == section).then_some("page")] { (s.label()) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    div.who {
                        a href="/account" aria-current=[(section == Section::Account).then_some("page")] { (cx.viewer.caller.email) }
                        form.inline method="post" action="/logout" {
                            (csrf(&cx.viewer))
                            button.secondary type="submit" { "Sign out" }
                        }
                    }
                }
                main #main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// A page without navigation (login, sign-up, errors).
pub fn bare_page(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title))
            body {
                header.top { a.brand href="/" { "Ferret" } }
                main #main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// The page shown when something was refused or failed.
pub fn error_page(status: StatusCode, message: &str) -> Markup {
    let title = match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::TOO_MANY_REQUESTS => "Too many requests",
        s if s.is_server_error() => "Server error",
        _ => "That did not work",
    };
    bare_page(
        title,
        html! {
            p.error role="alert" { (message) }
            p { a href="/" { "Back to your workspaces" } }
        },
    )
}

/// A severity badge.
pub fn severity(name: &str) -> Markup {
    let class = match name {
        "critical" | "high" | "medium" | "low" => name,
        _ => "info",
    };
    html! { span class={ "sev sev-" (class) } { (name) } }
}

/// The `?done=…` of a page a form sent the browser back to (see [`notice`]).
#[derive(serde::Deserialize, Default)]
pub struct Done {
    pub done: Option<String>,
}

/// A fixed notice after a form was handled (`?done=…`): only known words are shown, so a link
/// cannot put words of its own on the page.
pub fn notice(done: Option<&str>) -> Markup {
    let text = match done {
        Some("triaged") => "The finding's state was saved.",
        Some("invited") => "Invitation created.",
        Some("revoked") => "Revoked.",
        Some("role") => "Role changed.",
        Some("removed") => "Removed.",
        Some("saved") => "Settings saved.",
        Some("password") => "Password changed.",
        Some("created") => "Team workspace created.",
        Some("joined") => "You joined the workspace.",
        Some("connected") => {
            "GitHub connected: add its repositories to scan them on every push and pull request."
        }
        Some("queued") => "Scan queued: it appears below and updates while it runs.",
        Some("token") => "Token created.",
        Some("added") => "Repository added: upload scans of it with the command below.",
        _ => return html! {},
    };
    html! { p.notice role="status" { (text) } }
}

/// A time as stored (RFC 3339) shown as date and minute.
pub fn when(rfc3339: &str) -> Markup {
    let short = rfc3339.get(..16).unwrap_or(rfc3339).replace('T', " ");
    html! { time datetime=(rfc3339) { (short) } }
}
