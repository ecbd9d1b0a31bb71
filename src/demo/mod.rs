//! `danvan demo`: the pilot of the plan — Xã Lương Bằng (12280), Tỉnh Hưng Yên, with the
//! four villages Bằng Ngang, Đồng Lý, Đồng Xá and Lương Hội — and `danvan generate`.

pub mod contacts;
pub mod generate;
pub mod petitions;
pub mod synth;

use synth::Rng;

use crate::audit;
use crate::auth::{store as users, Role, Scope};
use crate::clock;
use crate::db::{Db, WriteTx};
use crate::error::AppResult;
use crate::people::kinds::{HouseholdStatus, MemberStatus, Sex, SupportCategory};
use crate::people::rows::{CellRow, CitizenId, HouseholdRow, MemberRow, TableRow};
use crate::text;

pub const PILOT_COMMUNE: &str = "c-12280";
/// Centre of the former Thị trấn Lương Bằng (DESIGN.md §6).
pub const TOWN_CENTRE: (f64, f64) = (20.7375, 106.0699);

/// The four pilot villages: name, offset of their centre from the town centre in metres
/// (north, east), households. All within about 1.5 km of the centre.
pub const VILLAGES: &[(&str, f64, f64, usize)] = &[
    ("Bằng Ngang", 650.0, -700.0, 412),
    ("Đồng Lý", -800.0, -450.0, 318),
    ("Đồng Xá", -350.0, 900.0, 276),
    ("Lương Hội", 900.0, 600.0, 365),
];

const XOM: &[&str] = &[
    "Xóm Đông",
    "Xóm Tây",
    "Xóm Giữa",
    "Xóm Chùa",
    "Xóm Trại",
    "Xóm Bến",
];

pub struct DemoUser {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    /// `commune` or a village name; `province` for the province.
    pub unit: &'static str,
}

/// One user per role (the citizen portal comes with its own issue).
pub const DEMO_USERS: &[DemoUser] = &[
    DemoUser {
        username: "admin",
        display_name: "Quản trị hệ thống",
        role: Role::Admin,
        unit: "country",
    },
    DemoUser {
        username: "xa.luongbang",
        display_name: "Đảng ủy xã Lương Bằng",
        role: Role::CommuneCommittee,
        unit: "commune",
    },
    DemoUser {
        username: "bt.bangngang",
        display_name: "Bí thư chi bộ Bằng Ngang",
        role: Role::CellSecretary,
        unit: "Bằng Ngang",
    },
    DemoUser {
        username: "bt.dongly",
        display_name: "Bí thư chi bộ Đồng Lý",
        role: Role::CellSecretary,
        unit: "Đồng Lý",
    },
    DemoUser {
        username: "bt.dongxa",
        display_name: "Bí thư chi bộ Đồng Xá",
        role: Role::CellSecretary,
        unit: "Đồng Xá",
    },
    DemoUser {
        username: "bt.luonghoi",
        display_name: "Bí thư chi bộ Lương Hội",
        role: Role::CellSecretary,
        unit: "Lương Hội",
    },
    DemoUser {
        username: "dv.bangngang",
        display_name: "Đảng viên thôn Bằng Ngang",
        role: Role::Member,
        unit: "Bằng Ngang",
    },
    DemoUser {
        username: "ubnd.luongbang",
        display_name: "Cán bộ UBND xã Lương Bằng",
        role: Role::AgencyHandler,
        unit: "commune",
    },
    DemoUser {
        username: "bdv.hungyen",
        display_name: "Ban Dân vận Tỉnh ủy Hưng Yên",
        role: Role::Supervisor,
        unit: "province",
    },
    DemoUser {
        username: "mttq.luongbang",
        display_name: "Mặt trận Tổ quốc xã Lương Bằng",
        role: Role::FrontReviewer,
        unit: "commune",
    },
    DemoUser {
        username: "kiemtra.hungyen",
        display_name: "Ủy ban Kiểm tra Tỉnh ủy",
        role: Role::Auditor,
        unit: "province",
    },
];

/// Households and members of one village, made in bulk.
pub struct VillageSpec<'a> {
    pub commune_id: &'a str,
    pub village_id: &'a str,
    pub cell_id: &'a str,
    pub households: usize,
    pub centre: (f64, f64),
    pub code_prefix: &'a str,
}

/// Fills a village; returns (households, members). About one member per nine households,
/// one in twelve of them exempt (miễn sinh hoạt). `by` is the system scope that acts,
/// and the log names it for the village it seeded.
pub async fn populate_village(
    tx: &mut WriteTx,
    by: &Scope,
    r: &mut Rng,
    v: &VillageSpec<'_>,
) -> AppResult<(usize, usize)> {
    let now = clock::now();
    let n_xom = 3 + r.below(3) as usize;
    let xom_centres: Vec<(f64, f64)> = (0..n_xom)
        .map(|_| synth::near(r, v.centre.0, v.centre.1, 300.0))
        .collect();
    let mut hh_rows = Vec::with_capacity(v.households);
    let mut member_rows = Vec::new();
    // About one member per eight to ten households, spread over the village.
    let stride = 8 + r.below(3) as usize;
    let offset = r.below(stride as u64) as usize;
    for i in 0..v.households {
        let id = clock::new_id();
        let x = i % n_xom;
        let male_head = r.chance(72);
        let head = synth::person(r, male_head);
        let full = head.full();
        let (lat, lon) = synth::near(r, xom_centres[x].0, xom_centres[x].1, 180.0);
        let has_coords = r.chance(93);
        let phone = if r.chance(85) {
            Some(synth::mobile(r))
        } else {
            None
        };
        let code = format!("{}{:04}", v.code_prefix, i + 1);
        let ngo = format!("{}", 1 + r.below(12));
        let house_no = format!("{}", 1 + r.below(60));
        let (latitude, longitude) = if has_coords {
            (Some(lat), Some(lon))
        } else {
            (None, None)
        };
        let h = HouseholdRow {
            id: id.clone(),
            commune_id: v.commune_id.into(),
            village_id: v.village_id.into(),
            code,
            head_name: full,
            head_family: head.family.into(),
            head_middle: head.middle.into(),
            head_given: head.given.into(),
            xom: XOM[x].into(),
            ngo,
            house_no,
            latitude,
            longitude,
            phone,
            size: Some(r.range(1, 7)),
            support_categories: SupportCategory::decode(&synth::support(r)),
            citizen_id: CitizenId::default(),
            status: HouseholdStatus::Active,
            created_at: now.clone(),
            updated_at: now.clone(),
        };
        hh_rows.push(h.values());
        if i % stride == offset {
            let male = r.chance(62);
            let p = if male == head.male && r.chance(60) {
                head
            } else {
                synth::person(r, male)
            };
            let older = r.range(1945, 1999);
            let status = if older < 1960 && r.chance(60) {
                MemberStatus::Exempt
            } else {
                MemberStatus::Active
            };
            let m = MemberRow {
                id: clock::new_id(),
                commune_id: v.commune_id.into(),
                village_id: v.village_id.into(),
                cell_id: Some(v.cell_id.into()),
                full_name: p.full(),
                family_name: p.family.into(),
                middle_name: p.middle.into(),
                given_name: p.given.into(),
                sex: Some(if p.male { Sex::Male } else { Sex::Female }),
                birth_year: Some(older),
                phone: Some(synth::mobile(r)),
                status,
                household_id: Some(id),
                citizen_id: CitizenId::default(),
                created_at: now.clone(),
                updated_at: now.clone(),
            };
            member_rows.push(m.values());
        }
    }
    tx.insert_many(HouseholdRow::TABLE, HouseholdRow::COLUMNS, &hh_rows)
        .await?;
    tx.insert_many(MemberRow::TABLE, MemberRow::COLUMNS, &member_rows)
        .await?;
    let (h, m) = (hh_rows.len(), member_rows.len());
    audit::did(
        tx,
        by,
        audit::Action::Seed,
        audit::Entity::Unit,
        v.village_id,
        Some(v.commune_id),
        serde_json::json!({ "households": h, "members": m }),
    );
    Ok((h, m))
}

/// Creates a village and its cell directly (bulk paths; the UI goes through `units::store`).
pub async fn create_village_with_cell(
    tx: &mut WriteTx,
    commune_id: &str,
    commune_path: &str,
    name: &str,
) -> AppResult<(String, String)> {
    let vid = clock::new_id();
    let now = clock::now();
    tx.execute(
        "INSERT INTO units (id, kind, code, name, name_folded, unit_type, parent_id, path, commune_id, valid_from, valid_to, created_at) \
         VALUES (?, 'village', NULL, ?, ?, 'Thôn', ?, ?, ?, '2024-10-01', NULL, ?)",
        &[vid.clone().into(), name.into(), text::fold(name).into(), commune_id.into(), format!("{commune_path}{vid}/").into(), commune_id.into(), now.clone().into()],
    )
    .await?;
    let cid = clock::new_id();
    let cell = CellRow::new(&cid, commune_id, &vid, &format!("Chi bộ thôn {name}"), &now);
    tx.insert_many(CellRow::TABLE, CellRow::COLUMNS, &[cell.values()])
        .await?;
    Ok((vid, cid))
}

/// Seeds the pilot commune when it has no villages yet. Returns the demo users and their
/// passwords (to print once), or an empty list when the pilot already exists.
/// `password`: one password for every demo user (tests, screenshots), or random ones.
pub async fn seed(db: &Db, password: Option<&str>) -> AppResult<Vec<(String, String, Role)>> {
    let password = password.map(str::to_owned);
    db.write(move |tx| Box::pin(async move { seed_in(tx, password.as_deref()).await }))
        .await
}

async fn seed_in(
    tx: &mut WriteTx,
    password: Option<&str>,
) -> AppResult<Vec<(String, String, Role)>> {
    let existing = tx
        .scalar_i64(
            "SELECT COUNT(*) FROM units WHERE parent_id = ? AND kind = 'village'",
            &[PILOT_COMMUNE.into()],
        )
        .await?;
    if existing > 0 {
        return Ok(Vec::new());
    }
    let commune = crate::units::store::get(tx, PILOT_COMMUNE).await?;
    // The demo acts as the system, named in the log; it reaches no record through a grant.
    let system = Scope::unsafe_system("demo");
    let mut r = Rng::new(2024);
    let mut village_ids = Vec::new();
    for (i, (name, north, east, households)) in VILLAGES.iter().enumerate() {
        let (vid, cid) = create_village_with_cell(tx, PILOT_COMMUNE, &commune.path, name).await?;
        let centre = (
            TOWN_CENTRE.0 + north / 111_320.0,
            TOWN_CENTRE.1 + east / (111_320.0 * TOWN_CENTRE.0.to_radians().cos()),
        );
        let prefix = ["BN", "DL", "DX", "LH"][i % 4];
        let spec = VillageSpec {
            commune_id: PILOT_COMMUNE,
            village_id: &vid,
            cell_id: &cid,
            households: *households,
            centre,
            code_prefix: prefix,
        };
        populate_village(tx, &system, &mut r, &spec).await?;
        village_ids.push((name.to_string(), vid));
    }
    // assignment (issue 4): every village starts with an approved plan (solved and
    // approved by "system"), so the member user sees their households at once.
    let ids: Vec<String> = village_ids.iter().map(|(_, id)| id.clone()).collect();
    crate::assignment::store::seed_approved(tx, &system, &ids).await?;
    // Lineage: the former Thị trấn Lương Bằng (and three other communes) became Xã Lương Bằng;
    // the catalogue already holds those rows, so old reports keep their names.
    let mut created = Vec::new();
    for u in DEMO_USERS {
        let pass = password
            .map(str::to_owned)
            .unwrap_or_else(|| crate::auth::password::random_token(9));
        let uid = users::create_user(tx, "system", u.username, u.display_name, &pass).await?;
        let unit_id = match u.unit {
            "country" => crate::units::catalogue::COUNTRY_ID.to_owned(),
            "commune" => PILOT_COMMUNE.to_owned(),
            "province" => "p-33".to_owned(),
            village => village_ids
                .iter()
                .find(|(n, _)| n == village)
                .map(|(_, id)| id.clone())
                .unwrap_or_default(),
        };
        users::grant(tx, "system", &uid, u.role, &unit_id).await?;
        if u.role == Role::Member {
            // The member user is the first active member of their village.
            if let Some(row) = tx
                .fetch_optional(
                    "SELECT id FROM members WHERE village_id = ? AND status = 'active' ORDER BY given_name COLLATE vi, id LIMIT 1",
                    &[unit_id.clone().into()],
                )
                .await?
            {
                tx.execute("UPDATE users SET member_id = ? WHERE id = ?", &[row.str("id")?.into(), uid.clone().into()]).await?;
            }
        }
        if u.role == Role::AgencyHandler {
            // petitions (issue 9): the commune's agencies; the handler answers for the first.
            let mut first = None;
            for (name, kind) in crate::petitions::agencies::DEMO_AGENCIES {
                let id =
                    crate::petitions::agencies::create(tx, &system, &unit_id, name, kind).await?;
                first.get_or_insert(id);
            }
            if let Some(a) = first {
                crate::petitions::agencies::link_handler(tx, &unit_id, &a, &uid).await?;
            }
        }
        created.push((u.username.to_owned(), pass, u.role));
    }
    Ok(created)
}
