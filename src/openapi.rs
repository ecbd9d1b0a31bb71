//! The OpenAPI document of `/api/v1`, served at `/api/v1/openapi.json`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{
    audit, auth, campaigns, commitments, contacts, coverage, evaluation, events, funding, people,
    petitions, reports, units,
};

#[derive(OpenApi)]
#[openapi(
    info(title = "danvan API", description = "Dân vận khéo 1+10. Authenticate with a personal access token: `Authorization: Bearer dv_…` (create one under Tài khoản › Khóa truy cập API)."),
    paths(
        auth::api::me,
        units::api::list, units::api::get, units::api::add_village,
        people::api::list_households, people::api::create_household, people::api::get_household,
        people::api::update_household, people::api::household_status,
        people::api::list_members, people::api::create_member, people::api::get_member, people::api::update_member,
        people::api::list_cells, people::api::create_cell,
        audit::pages::api_list,
        campaigns::api::list, campaigns::api::create, campaigns::api::get, campaigns::api::deliver,
        contacts::api::create, contacts::api::list, contacts::api::mine,
        coverage::pages::api,
        commitments::api::list, commitments::api::record,
        commitments::api::items, commitments::api::replace_items,
        events::api::list, events::api::create, events::api::get, events::api::update,
        funding::api::ledger, funding::api::create, funding::api::reverse,
        petitions::api::create, petitions::api::get, petitions::api::step, petitions::api::counts,
        petitions::dashboard::pages::api,
        reports::api::indicators, reports::api::find, reports::api::overview, reports::api::get, reports::api::step,
        evaluation::api::get,
    ),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
