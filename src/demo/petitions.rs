//! Synthetic petitions for `danvan generate`: a year of requests raised in a commune's
//! villages, each carried along the real path (cell, commune, agency or a body beyond
//! the commune, the answer, its delivery, the household's decision) by the store's own
//! `record` and `step`, dated as they would have happened. Going through the store, not
//! around it, means every counter, deadline and timeline is the one the product makes;
//! petitions are few enough (a province's year is a few hundred thousand) for that.

use time::{Date, Duration, Weekday};

use super::synth::Rng;
use crate::auth::Scope;
use crate::db::WriteTx;
use crate::error::AppResult;
use crate::petitions::model::{Draft, DEFAULT_CATEGORIES};
use crate::petitions::store::{self, StepInput};
use crate::units::store::Unit;

/// Petitions for the generated communes: about `per_commune` each, received in the
/// 365 days before `until`.
#[derive(Debug, Clone, Copy)]
pub struct PetitionsSpec {
    pub per_commune: usize,
    pub until: Date,
}

const REQUESTS: &[&str] = &[
    "Đề nghị sửa đoạn đường liên thôn bị sụt lún",
    "Hộ đề nghị được hướng dẫn thủ tục cấp giấy chứng nhận quyền sử dụng đất",
    "Rãnh thoát nước trước cửa bị tắc, mưa là ngập",
    "Đề nghị xem xét hỗ trợ hộ cận nghèo",
    "Đèn đường ở ngõ đã hỏng hơn một tháng",
    "Xin được hướng dẫn đăng ký bảo hiểm y tế cho người cao tuổi",
    "Phản ánh tiếng ồn từ xưởng gỗ vào ban đêm",
    "Đề nghị làm rõ mốc giới đất với hộ bên cạnh",
];

const BODIES: &[&str] = &[
    "Sở Nông nghiệp và Môi trường tỉnh",
    "Sở Xây dựng tỉnh",
    "Văn phòng đăng ký đất đai tỉnh",
];

/// What the household decides when the answer is carried to it, in one percent.
const CONFIRM_PERCENT: u64 = 82;
const REOPEN_PERCENT: u64 = 8;

/// Actors of one commune: its cell secretaries and member (acting for the villages), its
/// committee, and one handler answering for every agency.
pub struct Actors {
    pub cell: Scope,
    pub commune: Scope,
    pub handler: Scope,
    pub agencies: Vec<String>,
}

impl Actors {
    /// Gives the commune its agencies and a handler for them (`password_hash`: a
    /// password nobody is told; the account is there to act, not to sign in).
    pub async fn make(
        tx: &mut WriteTx,
        system: &Scope,
        commune: &Unit,
        password_hash: &str,
    ) -> AppResult<Actors> {
        let mut agencies = Vec::new();
        for (name, kind) in crate::petitions::agencies::DEMO_AGENCIES {
            let name = name.replace("Lương Bằng", &commune.name);
            agencies.push(
                crate::petitions::agencies::create(tx, system, &commune.id, &name, kind).await?,
            );
        }
        let username = format!("canbo.{}", commune.id);
        crate::petitions::agencies::create_handler(
            tx,
            system,
            &commune.id,
            &agencies[0],
            &username,
            "Cán bộ tiếp nhận kiến nghị",
            password_hash,
        )
        .await?;
        let user_id = tx
            .fetch_one(
                "SELECT id FROM users WHERE username = ?",
                &[username.into()],
            )
            .await?
            .str("id")?;
        for a in &agencies[1..] {
            crate::petitions::agencies::link_handler(tx, &commune.id, a, &user_id).await?;
        }
        Ok(Actors {
            cell: Scope::unsafe_system_at("generate", crate::auth::Role::CellSecretary, commune),
            commune: Scope::unsafe_system_at(
                "generate",
                crate::auth::Role::CommuneCommittee,
                commune,
            ),
            handler: crate::auth::session::load_scope(tx, &user_id).await?,
            agencies,
        })
    }
}

/// One petition's life so far, as the steps to take and the days between them.
struct Walk<'a> {
    tx: &'a mut WriteTx,
    id: String,
    day: Date,
    until: Date,
}

impl Walk<'_> {
    /// Takes the step `gap` days (moved off weekends) after the last, if that day has
    /// come; `false` when it lies on or after `until`, leaving the petition where it is.
    async fn step(&mut self, by: &Scope, gap: i64, input: StepInput) -> AppResult<bool> {
        let mut day = self.day + Duration::days(gap);
        while matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
            day += Duration::days(1);
        }
        if day >= self.until {
            return Ok(false);
        }
        store::step(self.tx, by, &self.id, &input, None, day).await?;
        self.day = day;
        Ok(true)
    }
}

fn input(action: &str) -> StepInput {
    StepInput {
        action: action.into(),
        reason: String::new(),
        competent: String::new(),
        agency: String::new(),
        answer: String::new(),
        basis: String::new(),
        then: String::new(),
    }
}

/// Raises petitions from `households` (id, village) and carries each as far as the days
/// before `until` allow; returns how many petitions, and how many steps in all.
pub async fn generate(
    tx: &mut WriteTx,
    actors: &Actors,
    households: &[(String, String)],
    spec: PetitionsSpec,
    r: &mut Rng,
) -> AppResult<(usize, usize)> {
    let mut steps = 0;
    if households.is_empty() {
        return Ok((0, 0));
    }
    for _ in 0..spec.per_commune {
        let (household, village) = r.pick(households).clone();
        let received = spec.until - Duration::days(1 + r.below(365) as i64);
        let place = store::place_of(tx, &village).await?;
        let draft = Draft {
            id: crate::clock::new_id(),
            category: r.pick(DEFAULT_CATEGORIES).0.to_owned(),
            text: (*r.pick(REQUESTS)).to_owned(),
            named: r.chance(70),
        };
        store::record(
            tx,
            &actors.cell,
            &place,
            &[household],
            &draft,
            "member",
            None,
            received,
        )
        .await?;
        steps += 1;
        let mut w = Walk {
            tx: &mut *tx,
            id: draft.id,
            day: received,
            until: spec.until,
        };
        steps += carry(&mut w, actors, r).await?;
    }
    Ok((spec.per_commune, steps))
}

/// The path of one petition after it is received; the steps taken.
async fn carry(w: &mut Walk<'_>, a: &Actors, r: &mut Rng) -> AppResult<usize> {
    let mut taken = 0;
    // About one in twelve is answered by the cell itself.
    let answerer = if r.chance(8) {
        let mut at_cell = input("answer_at_cell");
        at_cell.answer = "Chi bộ đã trao đổi với hộ và giải thích quy định hiện hành".into();
        if !w.step(&a.cell, r.range(0, 4), at_cell).await? {
            return Ok(taken);
        }
        taken += 1;
        None
    } else {
        if !w.step(&a.cell, r.range(0, 5), input("forward")).await? {
            return Ok(taken);
        }
        taken += 1;
        // Most go to one of the commune's agencies; the rest beyond the commune, to a
        // body the commune names and answers for.
        let by_agency = r.chance(80);
        let route = if by_agency {
            let mut assign = input("assign");
            assign.agency = r.pick(&a.agencies).clone();
            assign
        } else {
            let mut transfer = input("transfer");
            transfer.competent = (*r.pick(BODIES)).to_owned();
            transfer
        };
        if !w.step(&a.commune, r.range(0, 7), route).await? {
            return Ok(taken);
        }
        taken += 1;
        Some(if by_agency { &a.handler } else { &a.commune })
    };
    // Answered (unless the cell already did), carried to the household, decided; a
    // reopened petition is answered again once.
    for round in 0..2 {
        if let Some(by) = answerer {
            let mut answer = input("answer");
            answer.answer = "Đã kiểm tra thực tế và sẽ xử lý trong tháng".into();
            answer.basis = "Kế hoạch của UBND xã".into();
            if !w.step(by, r.range(2, 24), answer).await? {
                return Ok(taken);
            }
            taken += 1;
        } else if round > 0 {
            return Ok(taken);
        }
        let mut deliver = input("deliver");
        let roll = r.below(100);
        if roll < CONFIRM_PERCENT || round > 0 {
            deliver.then = "confirm".into();
        } else if roll < CONFIRM_PERCENT + REOPEN_PERCENT {
            deliver.then = "reopen".into();
            deliver.reason = "Hộ chưa đồng ý với câu trả lời".into();
        }
        let reopened = deliver.then == "reopen";
        if !w.step(&a.cell, r.range(0, 6), deliver).await? {
            return Ok(taken);
        }
        taken += 1;
        if !reopened {
            return Ok(taken);
        }
    }
    Ok(taken)
}
