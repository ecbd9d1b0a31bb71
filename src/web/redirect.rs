//! Where a redirect may send the browser: only paths of this site.

/// `next` when it is a same-site absolute path, else `/`.
///
/// A browser strips tabs and newlines from a `Location` and reads `\` as `/`, so
/// `/<TAB>/evil.example` and `/\evil.example` lead off-site just like `//evil.example`.
/// The checks run on the text as received and once more after percent-decoding, because
/// some clients decode a `Location` before following it. What is kept is returned with
/// spaces and non-ASCII bytes percent-encoded, so it is always a valid header value.
pub fn local_path(next: &str) -> String {
    if is_local(next) && is_local(&percent_decoded(next)) {
        encode_for_header(next)
    } else {
        "/".to_owned()
    }
}

fn is_local(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c < ' ' || c == '\u{7f}')
}

fn percent_decoded(s: &str) -> String {
    String::from_utf8_lossy(&percent_encoding::percent_decode_str(s).collect::<Vec<u8>>())
        .into_owned()
}

fn encode_for_header(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_graphic() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn same_site_paths_are_kept() {
        assert_eq!(local_path("/households?page=2"), "/households?page=2");
        assert_eq!(local_path("/"), "/");
        assert_eq!(
            local_path("/households?q=Nguyễn Văn"),
            "/households?q=Nguy%E1%BB%85n%20V%C4%83n"
        );
    }

    #[test]
    fn anything_that_can_leave_the_site_falls_back_to_home() {
        for bad in [
            "",
            "households",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/x",
            "/\r/x",
            "/\u{7f}/x",
            "/%09/evil.example",
            "/%0a/x",
            "/%2F/evil.example",
            "/%5Cevil.example",
            "https://evil.example",
            "javascript:alert(1)",
        ] {
            assert_eq!(local_path(bad), "/", "{bad:?}");
        }
    }
}
