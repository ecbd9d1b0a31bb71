//! Health, assets, security headers, the OpenAPI document.

use crate::both;
use crate::common::{self, Backend};
use reqwest::StatusCode;

both!(healthz_assets_and_headers, healthz_assets_and_headers);
async fn healthz_assets_and_headers(b: Backend) {
    let app = common::spawn_with(
        b,
        common::Options {
            demo: false,
            ..Default::default()
        },
    )
    .await;
    let anon = app.anonymous();
    let res = anon.get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "ok");
    let res = anon.get("/static/app.css").await;
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    let res = anon.get("/login").await;
    let h = res.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline")
            && csp.contains("frame-ancestors 'none'")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    assert!(!html.contains("<script"), "pages work without JavaScript");
    assert!(
        html.len() < 4096,
        "the login page stays small: {} bytes",
        html.len()
    );
}

both!(
    openapi_document_lists_the_api,
    openapi_document_lists_the_api
);
async fn openapi_document_lists_the_api(b: Backend) {
    let app = common::spawn_with(
        b,
        common::Options {
            demo: false,
            ..Default::default()
        },
    )
    .await;
    let doc: serde_json::Value = app
        .anonymous()
        .get("/api/v1/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for spec in danvan::app::route_specs() {
        if spec.path.starts_with("/api/v1/") && spec.path != "/api/v1/openapi.json" {
            let item = paths
                .get(spec.path)
                .unwrap_or_else(|| panic!("{} missing from openapi.json", spec.path));
            let m = spec.method.as_str().to_lowercase();
            assert!(
                item.get(&m).is_some(),
                "{} {} missing from openapi.json",
                spec.method,
                spec.path
            );
        }
    }
}
