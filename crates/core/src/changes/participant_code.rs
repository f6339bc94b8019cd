//! The pseudonymous code a participant gets when added to a session.

/// A pseudonymous code: a running number in the session and a few characters of the id, so
/// two laptops adding people to the same session do not hand out the same code.
pub fn participant_code(id: &str, n: i64) -> String {
    let mut code = format!("P{n:03}-");
    code.extend(
        id.bytes()
            .rev()
            .filter(u8::is_ascii_hexdigit)
            .take(4)
            .map(|b| b.to_ascii_uppercase() as char),
    );
    code
}

#[cfg(test)]
mod tests {
    use super::participant_code;

    #[test]
    fn a_participant_code_is_the_running_number_and_the_ids_last_hex_digits_reversed() {
        assert_eq!(
            participant_code("01a20c62-2b1e-7748-a6a6-7aa5202b8bd7", 1),
            "P001-7DB8"
        );
        assert_eq!(
            participant_code("01a20c62-2b1e-7748-a6a6-7aa5202b8bd7", 1234),
            "P1234-7DB8"
        );
    }
}
