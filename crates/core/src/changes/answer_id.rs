//! The id of a questionnaire's answer record (docs/design/forms.md, "Records"): made from its
//! response and its path, so two laptops answering the same question of one response write
//! the same record (a conflict on its value), and different questions different records.

use uuid::Uuid;

/// The id of the answer at `path` of the response `response_id`: a UUID v5 of the path in the
/// response id's namespace. A response id that is not a UUID (the write path refuses one
/// before) still gives a stable id, in the nil namespace of the two joined.
pub fn answer_id(response_id: &str, path: &str) -> String {
    match Uuid::parse_str(response_id) {
        Ok(namespace) => Uuid::new_v5(&namespace, path.as_bytes()).to_string(),
        Err(_) => {
            Uuid::new_v5(&Uuid::nil(), format!("{response_id}\n{path}").as_bytes()).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::answer_id;

    #[test]
    fn an_answer_id_is_the_same_for_one_question_of_one_response_and_differs_otherwise() {
        let r1 = "0191d2c0-0000-7000-8000-000000000001";
        let r2 = "0191d2c0-0000-7000-8000-000000000002";
        let a = answer_id(r1, "age");
        assert_eq!(a, answer_id(r1, "age"));
        assert_ne!(a, answer_id(r1, "members[k3f9q2ab]/age"));
        assert_ne!(a, answer_id(r2, "age"));
        let parsed = uuid::Uuid::parse_str(&a).unwrap();
        assert_eq!(parsed.get_version_num(), 5);
        // Fixed by the standard: a change here would split every answer already synced.
        assert_eq!(
            a,
            uuid::Uuid::new_v5(&uuid::Uuid::parse_str(r1).unwrap(), b"age").to_string()
        );
    }
}
