//! A questionnaire expression and the answers it reads: the first line is the expression (an
//! XLSForm relevant, constraint or calculation, as a definition received from another laptop
//! may carry), the next lines `${a}`, `${b}`, `.`, then one line per instance of `${r}`.
//! Parsing may refuse; neither it nor the evaluation may panic. The same steps are replayed on
//! the corpus by crates/core/tests/it/fuzz_corpus.rs.
use terrain_core::forms::expr::{parse, TestEnv, Value};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let text = String::from_utf8_lossy(data);
        let mut lines = text.split('\n');
        let Ok(expr) = parse(lines.next().unwrap_or_default()) else {
            return;
        };
        let line = |l: Option<&str>| l.unwrap_or_default().to_string();
        let mut env = TestEnv::new()
            .with("a", &line(lines.next()))
            .with("b", &line(lines.next()));
        env.current = Some(Value::Str(line(lines.next())));
        env.position = Some(1);
        env.values.insert(
            "r".into(),
            Value::Nodes(lines.map(str::to_string).collect()),
        );
        let value = expr.eval(&env);
        let _ = (value.as_bool(), value.as_num(), value.as_answer());
    });
}
