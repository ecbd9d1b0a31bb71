//! The registries' closed lists: statuses and support categories. Pure types.
//!
//! Each value has a stable code (what the database, the API and forms carry; unchanged
//! from when they were plain strings) and a key into the i18n table (what pages, exports
//! and messages show). A new list is one more `coded!` block, not another match.

use crate::web::i18n::Lang;

/// What every coded list offers, so list filters and forms can take any of them.
pub trait Coded: Copy + PartialEq + Sized + 'static {
    /// Every value, in the order pages list them.
    const ALL: &'static [Self];
    /// The stored code.
    fn code(self) -> &'static str;
    /// The key of its words in `web::i18n::TABLE`.
    fn key(self) -> &'static str;

    fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }

    fn label(self, lang: Lang) -> &'static str {
        lang.t(self.key())
    }

    /// Every code, for messages and allow-lists.
    fn codes() -> Vec<&'static str> {
        Self::ALL.iter().map(|v| v.code()).collect()
    }
}

macro_rules! coded {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal, $key:literal;)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $code)] $variant),* }

        impl Coded for $name {
            const ALL: &'static [$name] = &[$($name::$variant),*];
            fn code(self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }
            fn key(self) -> &'static str {
                match self { $($name::$variant => $key),* }
            }
        }

        impl $name {
            pub fn code(self) -> &'static str {
                Coded::code(self)
            }
            /// The key of its words in the i18n table (templates: `c.t(x.key())`).
            pub fn key(self) -> &'static str {
                Coded::key(self)
            }
            pub fn parse(code: &str) -> Option<$name> {
                <$name as Coded>::parse(code)
            }
            pub fn label(self, lang: Lang) -> &'static str {
                Coded::label(self, lang)
            }
            pub fn is(self, code: &str) -> bool {
                self.code() == code
            }
        }
    };
}
/// Other features' closed lists (`contacts::model::Channel`) are `coded!` too.
pub(crate) use coded;

coded! {
    /// Where a household stands; households are never deleted.
    HouseholdStatus {
        Active = "active", "status_active";
        Moved = "moved", "status_moved";
        Dissolved = "dissolved", "status_dissolved";
    }
}

coded! {
    /// Where a Party member stands; members are never deleted.
    MemberStatus {
        Active = "active", "member_status_active";
        /// Miễn sinh hoạt: takes no households, theirs are covered by others.
        Exempt = "exempt", "member_status_exempt";
        Moved = "moved", "member_status_moved";
        Deceased = "deceased", "member_status_deceased";
    }
}

coded! {
    /// A Party member's sex, as the cell's register writes it.
    Sex {
        Male = "M", "male";
        Female = "F", "female";
    }
}

coded! {
    /// Support categories a household may belong to.
    SupportCategory {
        HoNgheo = "ho_ngheo", "support_ho_ngheo";
        CanNgheo = "can_ngheo", "support_can_ngheo";
        ChinhSach = "chinh_sach", "support_chinh_sach";
        CaoTuoiNeoDon = "cao_tuoi_neo_don", "support_cao_tuoi_neo_don";
        KhuyetTat = "khuyet_tat", "support_khuyet_tat";
    }
}

impl MemberStatus {
    /// The Vietnamese words for a stored code, "?" for none (plan pages, alerts).
    pub fn label_vi_of(code: &str) -> &'static str {
        MemberStatus::parse(code).map_or("?", |s| s.label(Lang::Vi))
    }
}

impl SupportCategory {
    /// The stored form: codes in catalogue order, comma-separated, each once.
    pub fn encode(cats: &[SupportCategory]) -> String {
        SupportCategory::ALL
            .iter()
            .filter(|c| cats.contains(c))
            .map(|c| c.code())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The stored form read back; codes no longer in the catalogue are dropped.
    pub fn decode(stored: &str) -> Vec<SupportCategory> {
        SupportCategory::from_codes(&stored.split(',').collect::<Vec<_>>())
    }

    /// `codes` as a set in catalogue order: what is stored never depends on the order
    /// the boxes were ticked or the file listed them.
    pub fn from_codes<S: AsRef<str>>(codes: &[S]) -> Vec<SupportCategory> {
        SupportCategory::ALL
            .iter()
            .copied()
            .filter(|c| codes.iter().any(|s| s.as_ref() == c.code()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: Coded + serde::Serialize + std::fmt::Debug>() {
        for v in T::ALL {
            assert_eq!(T::parse(v.code()), Some(*v));
            // The API keeps the codes it always carried.
            assert_eq!(
                serde_json::to_value(v).unwrap(),
                serde_json::json!(v.code())
            );
            assert_ne!(v.label(Lang::Vi), "?", "{v:?}");
            assert_ne!(v.label(Lang::En), "?", "{v:?}");
        }
        assert_eq!(T::parse("nonsense"), None);
    }

    #[test]
    fn codes_parse_serialise_and_have_words() {
        round_trips::<HouseholdStatus>();
        round_trips::<MemberStatus>();
        round_trips::<SupportCategory>();
        round_trips::<Sex>();
    }

    #[test]
    fn support_is_stored_in_catalogue_order() {
        use SupportCategory as S;
        let stored = S::encode(&[S::KhuyetTat, S::HoNgheo, S::HoNgheo]);
        assert_eq!(stored, "ho_ngheo,khuyet_tat");
        assert_eq!(
            S::from_codes(&["khuyet_tat", "ho_ngheo"]),
            vec![S::HoNgheo, S::KhuyetTat]
        );
        assert_eq!(S::decode(&stored), vec![S::HoNgheo, S::KhuyetTat]);
        assert_eq!(S::decode(""), vec![]);
    }
}
