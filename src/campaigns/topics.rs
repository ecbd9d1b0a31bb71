//! The closed lists campaigns share with contacts: what was talked about (the topics of
//! section II.1 of the plan, which contacts take as a province's default list) and how a
//! household was reached. Pure types; the stored codes
//! never change, the words may.

use crate::web::i18n::Lang;

macro_rules! labelled {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $vi:literal, $en:literal;)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
        pub enum $name { $(#[serde(rename = $code)] $variant),* }

        impl $name {
            /// Every value, in the order forms list them.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stored code (database, API, forms).
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }

            pub fn parse(code: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.code() == code)
            }

            pub fn label_vi(self) -> &'static str {
                match self { $($name::$variant => $vi),* }
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),* }
            }

            pub fn label(self, lang: Lang) -> &'static str {
                match lang {
                    Lang::Vi => self.label_vi(),
                    Lang::En => self.label_en(),
                }
            }

            /// Every code, for messages and the API's documentation.
            pub fn codes() -> String {
                $name::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}

labelled! {
    /// What the information is about: the subjects the plan (section II.1) asks members to
    /// pass on to, and hear from, their households.
    Topic {
        Law = "law", "Chính sách, pháp luật", "Policy and law";
        LocalRules = "local_rules", "Quy định của địa phương", "Local regulations";
        Market = "market", "Thông tin thị trường, kinh tế", "Market and economic information";
        SocialEvils = "social_evils", "Phòng chống tệ nạn xã hội", "Preventing social evils";
        Security = "security", "An ninh trật tự", "Security and public order";
        LandClearance = "land_clearance", "Giải phóng mặt bằng các dự án", "Land clearance for projects";
        CivilisedLiving = "civilised_living", "Nếp sống văn minh, vệ sinh môi trường", "Civilised living and the environment";
        FundsMovements = "funds_movements", "Các quỹ và phong trào", "Funds and movements";
        HouseholdConcerns = "household_concerns", "Tâm tư nguyện vọng của hộ", "The household's concerns and wishes";
    }
}

/// How a household was reached: the same list, and the same words, as contacts.
pub use crate::contacts::model::Channel;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::kinds::Coded;

    #[test]
    fn codes_round_trip_and_are_unique() {
        for t in Topic::ALL {
            assert_eq!(Topic::parse(t.code()), Some(*t));
            assert!(!t.label_vi().is_empty() && !t.label_en().is_empty());
        }
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.code()), Some(*c));
        }
        assert_eq!(Topic::ALL.len(), 9);
        assert_eq!(Topic::parse("nope"), None);
        let codes: std::collections::HashSet<_> = Topic::ALL.iter().map(|t| t.code()).collect();
        assert_eq!(codes.len(), Topic::ALL.len());
    }

    #[test]
    fn serialises_as_the_code() {
        assert_eq!(
            serde_json::to_string(&Topic::LandClearance).unwrap(),
            "\"land_clearance\""
        );
        assert_eq!(serde_json::to_string(&Channel::Phone).unwrap(), "\"phone\"");
    }
}
