//! `/api/v1/me`: who the token or session belongs to and what they may do.

use axum::Json;
use serde::Serialize;

use super::Session;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub grants: Vec<MeGrant>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MeGrant {
    pub role: super::Role,
    pub unit_id: String,
    pub unit_name: String,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = Me)))]
pub async fn me(s: Session) -> Json<Me> {
    Json(Me {
        user_id: s.scope.user_id().to_owned(),
        username: s.scope.username().to_owned(),
        display_name: s.scope.display_name().to_owned(),
        grants: s
            .scope
            .grants
            .iter()
            .map(|g| MeGrant {
                role: g.role,
                unit_id: g.unit_id.clone(),
                unit_name: g.unit_name.clone(),
            })
            .collect(),
    })
}
