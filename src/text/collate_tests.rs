use std::cmp::Ordering::{self, Equal, Greater, Less};

use super::*;

fn assert_strictly_ascending(words: &[&str]) {
    for pair in words.windows(2) {
        assert_eq!(compare(pair[0], pair[1]), Less, "{} < {}", pair[0], pair[1]);
        assert_eq!(
            compare(pair[1], pair[0]),
            Greater,
            "{} > {}",
            pair[1],
            pair[0]
        );
    }
}

#[test]
fn the_required_name_order() {
    assert_strictly_ascending(&["An", "Ánh", "Ăn", "Ân", "Bình", "Dũng", "Đức"]);
}

#[test]
fn modified_letters_are_separate_letters() {
    // Primary differences: a following letter cannot outweigh them.
    for (x, y) in [
        ("az", "ăa"),
        ("ăz", "âa"),
        ("dz", "đa"),
        ("ez", "êa"),
        ("oz", "ôa"),
        ("ôz", "ơa"),
        ("uz", "ưa"),
    ] {
        assert_eq!(compare(x, y), Less, "{x} < {y}");
    }
    assert_strictly_ascending(&[
        "a", "ă", "â", "b", "d", "đ", "e", "ê", "o", "ô", "ơ", "u", "ư",
    ]);
}

#[test]
fn tones_are_secondary_in_dictionary_order() {
    // CLDR "vi": ngang < huyền < hỏi < ngã < sắc < nặng.
    assert_strictly_ascending(&["a", "à", "ả", "ã", "á", "ạ"]);
    // A later letter outweighs a tone (secondary < primary) …
    assert_eq!(compare("ạa", "ab"), Less);
    assert_eq!(compare("Ánh", "Anhz"), Less);
    // … and a tone outweighs case (tertiary).
    assert_eq!(compare("An", "án"), Less);
    assert_eq!(compare("an", "An"), Less);
}

#[test]
fn equal_means_canonically_equivalent() {
    assert_eq!(compare("Hòa", "Ho\u{0300}a"), Equal);
    assert_eq!(compare("Nguyễn", "Nguyễn"), Equal);
    // Ignorable at tertiary strength, but not the same text.
    assert_ne!(compare("a", "a\u{0}"), Equal);
    assert_eq!(compare("a\u{0}", "a"), compare("a", "a\u{0}").reverse());
}

#[test]
fn sort_vi_sorts_by_key() {
    struct Row {
        name: &'static str,
    }
    let mut rows: Vec<Row> = ["Đức", "An", "Ân", "Bình", "Ăn", "Dũng", "Ánh"]
        .into_iter()
        .map(|name| Row { name })
        .collect();
    sort_vi(&mut rows, |r| r.name);
    let names: Vec<&str> = rows.iter().map(|r| r.name).collect();
    assert_eq!(names, ["An", "Ánh", "Ăn", "Ân", "Bình", "Dũng", "Đức"]);
}

#[test]
fn callable_from_many_threads() {
    let handles: Vec<_> = (0..8)
        .map(|i| {
            std::thread::spawn(move || {
                let a = format!("Nguyễn {i}");
                (0..200).all(|_| compare(&a, "Nguyễn") == Greater && compare("Ăn", "Ân") == Less)
            })
        })
        .collect();
    for h in handles {
        assert!(h.join().expect("thread"));
    }
}

#[test]
fn compare_is_an_ordering_usable_by_sort() {
    let cmp: fn(&str, &str) -> Ordering = compare;
    let mut v = ["b", "B", "a", "", " ", "\u{0}"];
    v.sort_by(|a, b| cmp(a, b));
    for pair in v.windows(2) {
        assert_ne!(compare(pair[0], pair[1]), Greater);
    }
}
