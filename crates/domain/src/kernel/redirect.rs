//! Where a `next` parameter (after signing in, after switching language) may send a browser:
//! only to a path of this site. A browser reads `//host`, `/\host` and `/<tab>/host` (it drops
//! tabs and line breaks from URLs) as another site, and a line break in a `Location` header
//! cannot be sent at all, so anything that is not plainly a local path goes home instead
//! (issue 15 finding 5).

use percent_encoding::percent_decode_str;

/// `next` if it is a same-site path: it starts with exactly one `/`, the character after that
/// is neither `/` nor `\`, and it holds no control character — as given and after every
/// round of percent-decoding, so `%09`, `%0d`, `%2f` and `%5c`, however often encoded, cannot
/// smuggle any of those in. `None` otherwise.
pub fn same_site_path(next: &str) -> Option<&str> {
    let mut current = next.to_owned();
    loop {
        if !plain_path(&current) {
            return None;
        }
        // Each round that changes anything makes the text shorter, so this ends.
        let decoded = percent_decode_str(&current)
            .decode_utf8_lossy()
            .into_owned();
        if decoded == current {
            return Some(next);
        }
        current = decoded;
    }
}

/// A path starting with one `/` and free of control characters.
fn plain_path(path: &str) -> bool {
    let mut chars = path.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !path.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::same_site_path;

    #[test]
    fn local_paths_are_kept_with_their_query() {
        for good in [
            "/",
            "/work",
            "/admin/accounts?page=2&q=%E5%BC%A0",
            "/p/2026-MX-0104#map",
            "/projects?q=a%20b",
            "/projects/a//b",
            "/search?next=//x",
        ] {
            assert_eq!(same_site_path(good), Some(good), "{good}");
        }
    }

    #[test]
    fn other_sites_and_control_characters_are_refused() {
        for bad in [
            "",
            "work",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/%2f/evil.example",
            "/%2F%2Fevil.example",
            "/%5cevil.example",
            "/%5C/evil.example",
            "/%2509/evil.example",
            "/%252F%252Fevil.example",
            "/\r\nSet-Cookie: x=1",
            "/%0d%0aSet-Cookie: x=1",
            "/a%0ab",
            "/a\u{0}b",
            "/a%00b",
            "/a\u{85}b",
            "/a%C2%85b",
            "/a\u{7f}",
            "https://evil.example/",
            "javascript:alert(1)",
            " /work",
            "%2f%2fevil.example",
        ] {
            assert_eq!(same_site_path(bad), None, "{bad:?}");
        }
    }
}
