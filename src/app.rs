//! Application state, the route table, and [`Application::build`].

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{Method, StatusCode};
use axum::routing::{on, MethodFilter};
use axum::{middleware, Json, Router};
use std::future::IntoFuture;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::db::Db;
pub use crate::state::AppState;
use crate::{
    accounts, assignment, audit, auth, campaigns, commitments, contacts, coverage, evaluation,
    events, funding, imports, people, petitions, reports, units, web,
};

/// Who may reach a route at all; the store narrows further by the session's scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    /// Any signed-in user.
    SignedIn,
    /// Signed-in users holding one of these roles somewhere (`auth::roles::admits`).
    Roles(&'static [crate::auth::Role]),
}

/// One route of the application: the access-matrix test walks this list.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

/// The route table under construction; each feature adds its own (`accounts::routes`).
pub struct Routes {
    router: Router<AppState>,
    specs: Vec<RouteSpec>,
}

impl Routes {
    pub fn add<H, T>(
        mut self,
        method: Method,
        path: &'static str,
        access: Access,
        handler: H,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
        let route = match access {
            // The route carries its rule; the Session extractor enforces it.
            Access::Roles(roles) => on(filter, handler).route_layer(middleware::from_fn(
                move |mut req: axum::extract::Request, next: middleware::Next| async move {
                    req.extensions_mut()
                        .insert(crate::auth::session::Admits(roles));
                    next.run(req).await
                },
            )),
            Access::Public | Access::SignedIn => on(filter, handler),
        };
        self.router = self.router.route(path, route);
        self.specs.push(RouteSpec {
            method,
            path,
            access,
        });
        self
    }
}

fn routes() -> Routes {
    use crate::auth::roles::admits;
    use Access::{Public, Roles, SignedIn};
    use Method as M;
    let table = Routes {
        router: Router::new(),
        specs: Vec::new(),
    }
    .add(M::GET, "/healthz", Public, healthz)
    .add(M::GET, "/readyz", Public, readyz)
    .add(M::GET, "/static/app.css", Public, web::app_css)
    .add(M::GET, "/login", Public, auth::pages::login_form)
    .add(M::POST, "/login", Public, auth::pages::login)
    .add(M::POST, "/lang", Public, auth::pages::set_lang)
    .add(M::POST, "/logout", SignedIn, auth::pages::logout)
    .add(M::GET, "/", SignedIn, auth::pages::home)
    .add(M::GET, "/account/tokens", SignedIn, auth::pages::tokens)
    .add(
        M::POST,
        "/account/tokens",
        SignedIn,
        auth::pages::token_create,
    )
    .add(
        M::POST,
        "/account/tokens/{id}/revoke",
        SignedIn,
        auth::pages::token_revoke,
    )
    .add(
        M::GET,
        "/admin/users",
        Roles(admits::ADMINS),
        auth::pages::users,
    )
    .add(
        M::POST,
        "/admin/users",
        Roles(admits::ADMINS),
        auth::pages::user_create,
    )
    .add(
        M::POST,
        "/admin/users/{id}/disable",
        Roles(admits::ADMINS),
        auth::pages::user_disable,
    )
    .add(M::GET, "/units", Roles(admits::STAFF), units::pages::index)
    .add(
        M::GET,
        "/units/{id}",
        Roles(admits::STAFF),
        units::pages::show,
    )
    .add(
        M::POST,
        "/units/{id}/villages",
        Roles(admits::VILLAGE_MAKERS),
        units::pages::add_village,
    )
    .add(
        M::GET,
        "/households",
        Roles(admits::KEEPERS),
        people::pages::households_list,
    )
    .add(
        M::POST,
        "/households",
        Roles(admits::KEEPERS),
        people::pages::household_create,
    )
    .add(
        M::GET,
        "/households/new",
        Roles(admits::KEEPERS),
        people::pages::household_new,
    )
    .add(
        M::GET,
        "/households/{id}",
        Roles(admits::HOUSEHOLD_READERS),
        people::pages::household_show,
    )
    .add(
        M::POST,
        "/households/{id}",
        Roles(admits::KEEPERS),
        people::pages::household_update,
    )
    .add(
        M::GET,
        "/households/{id}/edit",
        Roles(admits::KEEPERS),
        people::pages::household_edit,
    )
    .add(
        M::POST,
        "/households/{id}/status",
        Roles(admits::KEEPERS),
        people::pages::household_status,
    )
    .add(
        M::GET,
        "/members",
        Roles(admits::KEEPERS),
        people::pages::members_list,
    )
    .add(
        M::POST,
        "/members",
        Roles(admits::KEEPERS),
        people::pages::member_create,
    )
    .add(
        M::GET,
        "/members/new",
        Roles(admits::KEEPERS),
        people::pages::member_new,
    )
    .add(
        M::GET,
        "/members/{id}",
        Roles(admits::KEEPERS),
        people::pages::member_show,
    )
    .add(
        M::POST,
        "/members/{id}",
        Roles(admits::KEEPERS),
        people::pages::member_update,
    )
    .add(
        M::GET,
        "/members/{id}/edit",
        Roles(admits::KEEPERS),
        people::pages::member_edit,
    )
    .add(
        M::POST,
        "/members/{id}/status",
        Roles(admits::KEEPERS),
        people::pages::member_status,
    )
    .add(
        M::GET,
        "/cells",
        Roles(admits::KEEPERS),
        people::pages::cells_list,
    )
    .add(
        M::POST,
        "/cells",
        Roles(admits::KEEPERS),
        people::pages::cell_create,
    )
    .add(
        M::GET,
        "/audit",
        Roles(admits::AUDITORS),
        audit::pages::list,
    )
    .add(M::GET, "/api/v1/openapi.json", Public, openapi_json)
    .add(M::GET, "/api/v1/me", SignedIn, auth::api::me)
    .add(
        M::GET,
        "/api/v1/units",
        Roles(admits::STAFF),
        units::api::list,
    )
    .add(
        M::GET,
        "/api/v1/units/{id}",
        Roles(admits::STAFF),
        units::api::get,
    )
    .add(
        M::POST,
        "/api/v1/units/{id}/villages",
        Roles(admits::VILLAGE_MAKERS),
        units::api::add_village,
    )
    .add(
        M::GET,
        "/api/v1/households",
        Roles(admits::KEEPERS),
        people::api::list_households,
    )
    .add(
        M::POST,
        "/api/v1/households",
        Roles(admits::KEEPERS),
        people::api::create_household,
    )
    .add(
        M::GET,
        "/api/v1/households/{id}",
        Roles(admits::KEEPERS),
        people::api::get_household,
    )
    .add(
        M::PATCH,
        "/api/v1/households/{id}",
        Roles(admits::KEEPERS),
        people::api::update_household,
    )
    .add(
        M::POST,
        "/api/v1/households/{id}/status",
        Roles(admits::KEEPERS),
        people::api::household_status,
    )
    .add(
        M::GET,
        "/api/v1/members",
        Roles(admits::KEEPERS),
        people::api::list_members,
    )
    .add(
        M::POST,
        "/api/v1/members",
        Roles(admits::KEEPERS),
        people::api::create_member,
    )
    .add(
        M::GET,
        "/api/v1/members/{id}",
        Roles(admits::KEEPERS),
        people::api::get_member,
    )
    .add(
        M::PATCH,
        "/api/v1/members/{id}",
        Roles(admits::KEEPERS),
        people::api::update_member,
    )
    .add(
        M::GET,
        "/api/v1/cells",
        Roles(admits::KEEPERS),
        people::api::list_cells,
    )
    .add(
        M::POST,
        "/api/v1/cells",
        Roles(admits::KEEPERS),
        people::api::create_cell,
    )
    .add(
        M::GET,
        "/api/v1/audit",
        Roles(admits::AUDITORS),
        audit::pages::api_list,
    )
    // assignment (issue 4)
    .add(
        M::GET,
        "/assignment",
        Roles(admits::KEEPERS),
        assignment::pages::index,
    )
    .add(
        M::GET,
        "/assignment/mine",
        Roles(admits::MEMBERS),
        assignment::pages::mine,
    )
    .add(
        M::GET,
        "/assignment/villages/{id}",
        Roles(admits::KEEPERS),
        assignment::pages::village,
    )
    .add(
        M::POST,
        "/assignment/villages/{id}/draft",
        Roles(admits::KEEPERS),
        assignment::pages::draft,
    )
    .add(
        M::GET,
        "/assignment/plans/{id}",
        Roles(admits::KEEPERS),
        assignment::pages::plan,
    )
    .add(
        M::GET,
        "/assignment/plans/{id}/map",
        Roles(admits::KEEPERS),
        assignment::pages::map,
    )
    .add(
        M::GET,
        "/assignment/plans/{id}/members/{member_id}",
        Roles(admits::KEEPERS),
        assignment::pages::member,
    )
    .add(
        M::GET,
        "/assignment/plans/{id}/households/{household_id}",
        Roles(admits::KEEPERS),
        assignment::pages::household,
    )
    .add(
        M::POST,
        "/assignment/plans/{id}/move",
        Roles(admits::KEEPERS),
        assignment::pages::move_pair,
    )
    .add(
        M::POST,
        "/assignment/plans/{id}/lock",
        Roles(admits::KEEPERS),
        assignment::pages::lock,
    )
    .add(
        M::POST,
        "/assignment/plans/{id}/submit",
        Roles(admits::KEEPERS),
        assignment::pages::submit,
    )
    .add(
        M::POST,
        "/assignment/plans/{id}/approve",
        Roles(admits::COMMITTEE),
        assignment::pages::approve,
    )
    .add(
        M::POST,
        "/assignment/plans/{id}/return",
        Roles(admits::COMMITTEE),
        assignment::pages::return_plan,
    )
    .add(
        M::GET,
        "/assignment/plans/{id}/list.docx",
        Roles(admits::KEEPERS),
        assignment::pages::docx,
    )
    .add(
        M::GET,
        "/assignment/plans/{id}/list.xlsx",
        Roles(admits::KEEPERS),
        assignment::pages::xlsx,
    )
    .add(
        M::GET,
        "/assignment/plans/{id}/cards/{member_id}",
        Roles(admits::KEEPERS),
        assignment::pages::card,
    )
    .add(
        M::POST,
        "/assignment/communes/{id}/capacity",
        Roles(admits::COMMITTEE),
        assignment::pages::commune_capacity,
    )
    // imports and exports (issue 3)
    .add(
        M::GET,
        "/imports",
        Roles(admits::KEEPERS),
        imports::pages::index,
    )
    .add(
        M::POST,
        "/imports",
        Roles(admits::KEEPERS),
        imports::pages::upload.layer(DefaultBodyLimit::max(imports::pages::UPLOAD_LIMIT)),
    )
    .add(
        M::GET,
        "/imports/template/{file}",
        Roles(admits::KEEPERS),
        imports::pages::template,
    )
    .add(
        M::GET,
        "/imports/{id}",
        Roles(admits::KEEPERS),
        imports::pages::show,
    )
    .add(
        M::POST,
        "/imports/{id}/apply",
        Roles(admits::KEEPERS),
        imports::pages::apply,
    )
    .add(
        M::GET,
        "/imports/{id}/rejected.xlsx",
        Roles(admits::KEEPERS),
        imports::pages::rejected,
    )
    .add(
        M::GET,
        "/exports/households.xlsx",
        Roles(admits::KEEPERS),
        imports::pages::export_households,
    )
    .add(
        M::GET,
        "/exports/members.xlsx",
        Roles(admits::KEEPERS),
        imports::pages::export_members,
    );
    let table = contacts::routes(accounts::routes(table));
    let table = campaigns::routes(coverage::routes(table));
    let table = petitions::routes(commitments::routes(table));
    let table = reports::routes(funding::routes(events::routes(table)));
    evaluation::routes(table)
}

/// Every route the application serves (for the access-matrix test and the docs).
pub fn route_specs() -> Vec<RouteSpec> {
    routes().specs
}

/// Whether the route table lets a user holding `role` open `GET path` (a path without
/// parameters). The menu asks this, so it can never offer a page that would refuse.
pub fn admits_get(path: &str, role: crate::auth::Role) -> bool {
    static SPECS: std::sync::LazyLock<Vec<RouteSpec>> = std::sync::LazyLock::new(route_specs);
    SPECS
        .iter()
        .find(|r| r.method == Method::GET && r.path == path)
        .is_some_and(|r| match r.access {
            Access::Public | Access::SignedIn => true,
            Access::Roles(roles) => roles.contains(&role),
        })
}

/// Liveness: can the database serve (read pool answers, writer makes progress, disk has
/// room)? Writes nothing. 503 with the problems otherwise.
async fn healthz(axum::extract::State(st): axum::extract::State<AppState>) -> (StatusCode, String) {
    let h = st.db.health().await;
    if h.ok {
        (StatusCode::OK, "ok".into())
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("unhealthy: {}", h.problems.join("; ")),
        )
    }
}

/// Readiness, for load balancers: healthy and not shutting down. During a graceful
/// shutdown this answers 503 at once so that no new work is routed here.
async fn readyz(
    axum::extract::State(st): axum::extract::State<AppState>,
) -> (StatusCode, &'static str) {
    if st.shutting_down.load(std::sync::atomic::Ordering::Relaxed) {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down");
    }
    if st.db.health().await.ok {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}

/// Names the route being served for the database layer's warnings.
async fn name_route(
    matched: Option<axum::extract::MatchedPath>,
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let route: std::sync::Arc<str> = match &matched {
        Some(m) => format!("{} {}", req.method(), m.as_str()).into(),
        None => format!("{} (không có tuyến)", req.method()).into(),
    };
    crate::db::ROUTE.scope(route, next.run(req)).await
}

async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(crate::openapi::document())
}

pub fn router(state: AppState) -> Router {
    routes()
        .router
        .route_layer(middleware::from_fn(name_route))
        .layer(middleware::from_fn(web::idempotency::bind_key))
        .layer(middleware::from_fn(web::security::refuse_oversized))
        .layer(middleware::from_fn(web::errors::render))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            web::security::reject_cross_origin,
        ))
        .layer(middleware::from_fn(web::security::headers))
        .layer(DefaultBodyLimit::max(web::extract::BODY_LIMIT))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// How long a graceful shutdown waits for requests in flight.
const DRAIN_DEADLINE: Duration = Duration::from_secs(20);

/// A running server; tests start it on port 0.
pub struct Application {
    pub addr: SocketAddr,
    pub state: AppState,
    listener: TcpListener,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let db = Db::connect(config.database_url.as_deref(), &config.data_dir).await?;
        db.migrate().await?;
        db.seal_pending().await?;
        let secret = crate::setup::ensure_ready(&db, &config).await?;
        crate::audit::segments::spawn_keeper(db.clone());
        audit::checkpoint::start(&db, &config).await?;
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        Ok(Application {
            addr,
            state: AppState {
                db,
                config: std::sync::Arc::new(config),
                secret: secret.into(),
                shutting_down: Default::default(),
            },
            listener,
        })
    }

    /// Serves until SIGINT/SIGTERM, then shuts down gracefully: `/readyz` turns 503, no
    /// new connections are accepted, requests in flight finish (their units of work run to
    /// completion either way), the writer flushes its queue, connections close.
    pub async fn run(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    pub async fn run_until(
        self,
        signal: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let state = self.state.clone();
        let flag = state.shutting_down.clone();
        let app = router(self.state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let (began, mut begun) = tokio::sync::watch::channel(false);
        let draining = async move {
            signal.await;
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
            tracing::info!("shutting down: finishing requests in flight");
            let _ = began.send(true);
        };
        // Requests get a while to finish; their units of work complete on their own
        // regardless, so stopping after the deadline loses no half-done write.
        let deadline = async move {
            let _ = begun.wait_for(|b| *b).await;
            tokio::time::sleep(DRAIN_DEADLINE).await;
        };
        let server = axum::serve(self.listener, app).with_graceful_shutdown(draining);
        tokio::select! {
            r = server.into_future() => r?,
            _ = deadline => tracing::warn!("requests still running after the drain deadline; stopping"),
        }
        state.db.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
