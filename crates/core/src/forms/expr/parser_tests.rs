//! The parser: what it builds, what it names, and what it refuses (with the offset).

use super::ast::{BinOp, Expr};
use super::error::{ExprError, ExprErrorKind};
use super::parser::parse;
use crate::lang::Lang;

fn refs(src: &str) -> Vec<String> {
    parse(src).unwrap().references()
}

fn err(src: &str) -> ExprError {
    parse(src).expect_err(src)
}

fn syntax(src: &str) -> (String, usize) {
    match err(src) {
        ExprError {
            kind: ExprErrorKind::Syntax(what),
            offset,
        } => (what, offset),
        other => panic!("{src}: {other:?}"),
    }
}

#[test]
fn precedence_and_associativity_follow_xpath() {
    // 1 + 2 * 3 = 7 or x: `or` is loosest, `*` binds tighter than `+`.
    let e = parse("1 + 2 * 3 = 7 or x").unwrap();
    let Expr::Binary { first, rest } = e else {
        panic!("not a binary")
    };
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].0, BinOp::Or);
    assert_eq!(rest[0].1, Expr::Column("x".into()));
    let Expr::Binary { first: sum, rest } = *first else {
        panic!("not a comparison")
    };
    assert_eq!(rest[0], (BinOp::Eq, Expr::Num(7.0)));
    assert_eq!(
        *sum,
        Expr::Binary {
            first: Box::new(Expr::Num(1.0)),
            rest: vec![(
                BinOp::Add,
                Expr::Binary {
                    first: Box::new(Expr::Num(2.0)),
                    rest: vec![(BinOp::Mul, Expr::Num(3.0))]
                }
            )]
        }
    );
    // A long sum stays one level: left to right.
    let e = parse("10 - 2 - 3").unwrap();
    assert_eq!(
        e,
        Expr::Binary {
            first: Box::new(Expr::Num(10.0)),
            rest: vec![(BinOp::Sub, Expr::Num(2.0)), (BinOp::Sub, Expr::Num(3.0))]
        }
    );
}

#[test]
fn words_are_operators_only_between_operands() {
    assert_eq!(
        parse("6 div 2 mod 4").unwrap(),
        Expr::Binary {
            first: Box::new(Expr::Num(6.0)),
            rest: vec![(BinOp::Div, Expr::Num(2.0)), (BinOp::Mod, Expr::Num(4.0))]
        }
    );
    // A choice column may be called `region` or even `div` in operand position.
    assert_eq!(parse("div").unwrap(), Expr::Column("div".into()));
    assert_eq!(
        parse("region = ${region}").unwrap().columns(),
        vec!["region".to_string()]
    );
}

#[test]
fn names_with_dashes_dots_and_a_prefix_are_one_token() {
    let e = parse("count-selected(${q}) + jr:choice-name(${q}, '${q}')").unwrap();
    assert_eq!(e.functions(), vec!["count-selected", "jr:choice-name"]);
    assert_eq!(e.references(), vec!["q"]);
    // 5-3 is a subtraction (a number is not a name); .5 and 5. are numbers.
    assert_eq!(
        parse("5-3").unwrap(),
        Expr::Binary {
            first: Box::new(Expr::Num(5.0)),
            rest: vec![(BinOp::Sub, Expr::Num(3.0))]
        }
    );
    assert_eq!(parse(".5").unwrap(), Expr::Num(0.5));
    assert_eq!(parse("5.").unwrap(), Expr::Num(5.0));
    assert_eq!(parse(" . ").unwrap(), Expr::Current);
    assert_eq!(
        parse("position(..)").unwrap(),
        Expr::Call {
            name: "position".into(),
            args: vec![Expr::Parent]
        }
    );
}

#[test]
fn references_are_in_order_of_first_appearance_and_not_inside_strings() {
    assert_eq!(
        refs("${b} + ${a} * ${b} + count(${c})"),
        vec!["b", "a", "c"]
    );
    assert_eq!(refs("concat('${x}', \"${y}\")"), Vec::<String>::new());
    assert!(parse("'it''s'").is_err());
    assert_eq!(parse("\"l'école\"").unwrap(), Expr::Str("l'école".into()));
    assert_eq!(refs("${ spaced }"), vec!["spaced"]);
}

#[test]
fn unary_minus_nests() {
    assert_eq!(
        parse("--1").unwrap(),
        Expr::Neg(Box::new(Expr::Neg(Box::new(Expr::Num(1.0)))))
    );
    assert_eq!(
        parse("2 - -1").unwrap(),
        Expr::Binary {
            first: Box::new(Expr::Num(2.0)),
            rest: vec![(BinOp::Sub, Expr::Neg(Box::new(Expr::Num(1.0))))]
        }
    );
}

#[test]
fn functions_are_checked_when_parsed() {
    let e = err("pulldata('f', 'a', 'b', ${x})");
    assert_eq!(
        e.kind,
        ExprErrorKind::UnsupportedFunction("pulldata".into())
    );
    assert_eq!(e.offset, 0);
    assert_eq!(
        e.message(Lang::Fr),
        "la fonction pulldata n'est pas prise en charge"
    );
    assert_eq!(
        e.message(Lang::En),
        "the function pulldata is not supported"
    );
    let e = err("1 + instance('l')/root/item[name = 'a']/label");
    assert_eq!(
        e.kind,
        ExprErrorKind::UnsupportedFunction("instance".into())
    );
    assert_eq!(e.offset, 4);
    assert_eq!(
        err("frobnicate(1)").kind,
        ExprErrorKind::UnknownFunction("frobnicate".into())
    );
    let e = err("substr('abc')");
    assert_eq!(
        e.kind,
        ExprErrorKind::WrongArity {
            function: "substr".into(),
            expected: "2 or 3".into(),
            given: 1
        }
    );
    assert_eq!(
        e.message(Lang::Fr),
        "la fonction substr attend 2 ou 3 argument(s), 1 donné(s)"
    );
    assert!(matches!(
        err("indexed-repeat(${a}, ${r})").kind,
        ExprErrorKind::WrongArity { .. }
    ));
    assert_eq!(
        syntax("indexed-repeat(${a}, 'r', 1)").0,
        "indexed-repeat takes ${name} references"
    );
    assert!(parse("indexed-repeat(${a}, ${r}, 1, ${s}, position(..))").is_ok());
    assert!(parse("concat()").is_ok());
    assert!(parse("if(true(), 1)").is_err());
}

#[test]
fn syntax_errors_say_where() {
    assert_eq!(syntax(""), ("an empty expression".into(), 0));
    assert_eq!(syntax("   "), ("an empty expression".into(), 0));
    assert_eq!(
        syntax("1 +"),
        ("a value, a ${name} or a function call".into(), 3)
    );
    assert_eq!(syntax("(1 + 2"), ("a closing parenthesis".into(), 6));
    assert_eq!(syntax("'abc"), ("a closing quote".into(), 0));
    assert_eq!(syntax("${abc"), ("a closing } after ${name".into(), 0));
    assert_eq!(syntax("${}"), ("a question name inside ${}".into(), 0));
    assert_eq!(syntax("${a b}"), ("a question name inside ${}".into(), 0));
    assert_eq!(syntax("$x"), ("'$' must start ${name}".into(), 0));
    assert_eq!(
        syntax("${a} | ${b}"),
        ("'|' (node-set union) is not supported".into(), 5)
    );
    assert_eq!(
        syntax("/data/age > 3"),
        ("paths are not supported: write ${name}".into(), 0)
    );
    assert_eq!(
        syntax("../age"),
        ("paths are not supported: write ${name}".into(), 2)
    );
    assert_eq!(
        syntax("1 2"),
        ("an operator or the end of the expression".into(), 2)
    );
    assert_eq!(syntax("abs(1,)").1, 6);
    assert_eq!(syntax("é # 1").0, "an unexpected character '#'");
    assert_eq!(syntax("é # 1").1, 2, "offsets count characters, not bytes");
    assert_eq!(
        err("1 +").message(Lang::Fr),
        "expression invalide au caractère 4 : une valeur, un ${nom} ou un appel de fonction est attendu"
    );
    assert_eq!(
        err("1 +").message(Lang::En),
        "invalid expression at character 4: a value, a ${name} or a function call"
    );
    assert_eq!(syntax("* 2").0, "a value, a ${name} or a function call");
}

#[test]
fn hostile_expressions_are_refused_not_overflowed() {
    let deep = format!("{}1{}", "(".repeat(64), ")".repeat(64));
    assert!(parse(&deep).is_ok());
    let deeper = format!("{}1{}", "(".repeat(65), ")".repeat(65));
    assert_eq!(
        syntax(&deeper),
        ("expression nested too deeply (over 64 levels)".into(), 64)
    );
    let calls = format!("{}1{}", "abs(".repeat(65), ")".repeat(65));
    assert!(syntax(&calls).0.contains("too deeply"));
    assert!(syntax(&format!("{}1", "-".repeat(65)))
        .0
        .contains("too deeply"));
    assert!(parse(&format!("{}1", "-".repeat(64))).is_ok());
    // A sum of 2,000 questions is long but flat.
    let sum = vec!["${q}"; 1999].join("+");
    assert!(sum.chars().count() <= 10_000);
    assert!(parse(&sum).is_ok());
    let long = "1".repeat(10_001);
    assert_eq!(
        syntax(&long),
        ("expression too long (over 10000 characters)".into(), 10_000)
    );
    assert!(parse(&"1".repeat(10_000)).is_ok());
}
