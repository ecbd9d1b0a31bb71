use std::cmp::Ordering;

use super::*;

fn parts(family: &str, middle: &str, given: &str) -> NameParts {
    NameParts {
        family: family.into(),
        middle: middle.into(),
        given: given.into(),
    }
}

#[test]
fn split_four_words() {
    assert_eq!(
        split_name("Nguyễn Thị Minh Khai"),
        parts("Nguyễn", "Thị Minh", "Khai")
    );
}

#[test]
fn split_short_and_messy_names() {
    assert_eq!(split_name("Khai"), parts("", "", "Khai"));
    assert_eq!(split_name("Lê Lợi"), parts("Lê", "", "Lợi"));
    assert_eq!(
        split_name("  Trần \t Hưng   Đạo "),
        parts("Trần", "Hưng", "Đạo")
    );
    assert_eq!(split_name(""), NameParts::default());
    assert_eq!(split_name(" \n "), NameParts::default());
    assert_eq!(split_name("Nguye\u{302}\u{303}n An").family, "Nguyễn");
}

#[test]
fn join_skips_empty_parts() {
    assert_eq!(
        join_name(&parts("Nguyễn", "Thị Minh", "Khai")),
        "Nguyễn Thị Minh Khai"
    );
    assert_eq!(join_name(&parts("", "", "Khai")), "Khai");
    assert_eq!(join_name(&parts("Lê", "", "Lợi")), "Lê Lợi");
    assert_eq!(join_name(&parts(" Lê ", " ", "Lợi ")), "Lê Lợi");
    assert_eq!(join_name(&NameParts::default()), "");
}

#[test]
fn names_sort_by_given_then_family_then_middle() {
    let mut people: Vec<NameParts> = [
        "Nguyễn Văn Bình",
        "Trần Thị An",
        "Lê Văn An",
        "Lê Thị An",
        "Đỗ Đức",
        "Ánh",
    ]
    .iter()
    .map(|s| split_name(s))
    .collect();
    people.sort_by(compare_names);
    let order: Vec<String> = people.iter().map(join_name).collect();
    assert_eq!(
        order,
        [
            "Lê Thị An",
            "Lê Văn An",
            "Trần Thị An",
            "Ánh",
            "Nguyễn Văn Bình",
            "Đỗ Đức"
        ]
    );
    assert_eq!(
        compare_names(&split_name("Lê An"), &split_name("Lê An")),
        Ordering::Equal
    );
}
