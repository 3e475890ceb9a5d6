//! Key generation with arbitrary inputs: nothing panics, `fit_key` always fits
//! and is deterministic, accepted keys obey the documented rules, and the
//! key shapes keep their structure whatever the parts contain.
#![no_main]

use arbitrary::Arbitrary;
use edgecache::key::{ArgsKey, fit_key, list_key, model_key, namespaced, query_key, validate_key};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
enum Arg {
    Null,
    Undefined,
    Bool(bool),
    Int(i64),
    Float(f64),
    BigInt(String),
    Str(String),
    Bytes(Vec<u8>),
    Date(f64),
    BeginList(u64),
    BeginMap(u64),
    Raw(String, Vec<u8>),
}

#[derive(Debug, Arbitrary)]
struct Input {
    key: String,
    ns: String,
    max: u16,
    prefix: String,
    model: String,
    id: String,
    field: Option<String>,
    params: Vec<(String, String)>,
    fn_name: String,
    args: Vec<Arg>,
}

fn feed(k: &mut ArgsKey, args: &[Arg]) {
    for arg in args {
        match arg {
            Arg::Null => k.null(),
            Arg::Undefined => k.undefined(),
            Arg::Bool(b) => k.bool(*b),
            Arg::Int(i) => k.int(*i),
            Arg::Float(f) => k.float(*f),
            Arg::BigInt(s) => k.bigint(s),
            Arg::Str(s) => k.string(s),
            Arg::Bytes(b) => k.bytes(b),
            Arg::Date(ms) => k.date(*ms),
            Arg::BeginList(n) => k.begin_list(*n),
            Arg::BeginMap(n) => k.begin_map(*n),
            Arg::Raw(tag, b) => k.raw(tag, b),
        };
    }
}

fn is_control(b: u8) -> bool {
    b < 0x20 || b == 0x7F
}

fuzz_target!(|input: Input| {
    let max = usize::from(input.max);

    // validate_key: Ok exactly when the documented rules hold.
    let valid =
        !input.key.is_empty() && input.key.len() <= max && !input.key.bytes().any(is_control);
    assert_eq!(validate_key(&input.key, max).is_ok(), valid);

    // fit_key: fits, deterministic, identity when short, prefix + '#' + 32 hex otherwise.
    let fitted = fit_key(&input.key, max);
    assert!(fitted.len() <= max, "{} > {max}", fitted.len());
    assert_eq!(fitted, fit_key(&input.key, max));
    if input.key.len() <= max {
        assert_eq!(fitted, input.key);
    } else if max >= 33 {
        let (head, tail) = fitted.split_at(fitted.len() - 33);
        assert!(input.key.starts_with(head));
        assert!(tail.starts_with('#'));
        assert!(
            tail[1..]
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
    } else {
        assert_eq!(fitted.len(), max);
    }

    // namespaced: Ok is exactly "ns:key" for a namespace without ':' or controls.
    match namespaced(&input.ns, &input.key) {
        Ok(out) => {
            assert!(!input.ns.is_empty() && !input.ns.contains(':'));
            assert_eq!(out, format!("{}:{}", input.ns, input.key));
        }
        Err(e) => assert_eq!(e.code(), "INVALID_KEY"),
    }

    // model_key: the escaped parts never add separators.
    let m = model_key(
        &input.prefix,
        &input.model,
        &input.id,
        input.field.as_deref(),
    );
    let rest = m.strip_prefix(&input.prefix).expect("prefix kept verbatim");
    let colons = rest.matches(':').count();
    assert_eq!(colons, if input.field.is_some() { 3 } else { 2 });
    assert!(!rest.contains('?'));

    // list_key and query_key: order of parameters does not matter.
    let params: Vec<(&str, &str)> = input
        .params
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let reversed: Vec<(&str, &str)> = params.iter().rev().copied().collect();
    let l = list_key(&input.prefix, &input.model, &params);
    assert_eq!(l, list_key(&input.prefix, &input.model, &reversed));
    let after = l.strip_prefix(&input.prefix).expect("prefix kept verbatim");
    let (path, query) = after.split_once('?').expect("a list key has a '?'");
    assert_eq!(path.matches(':').count(), 2);
    assert!(path.ends_with(":list"));
    assert_eq!(query.matches('&').count(), params.len().saturating_sub(1));
    let q = query_key(&input.prefix, &input.model, &params);
    assert_eq!(q, query_key(&input.prefix, &input.model, &reversed));
    let after = q.strip_prefix(&input.prefix).expect("prefix kept verbatim");
    let (path, _) = after.split_once('?').expect("a query key has a '?'");
    assert_eq!(path.matches(':').count(), 1);

    // ArgsKey: "<fn_name>:<22 base64url chars>", deterministic.
    let mut a = ArgsKey::new(&input.fn_name);
    feed(&mut a, &input.args);
    let key = a.finish();
    let mut b = ArgsKey::new(&input.fn_name);
    feed(&mut b, &input.args);
    assert_eq!(key, b.finish());
    let hash = key
        .strip_prefix(&input.fn_name)
        .and_then(|r| r.strip_prefix(':'))
        .expect("fn name and ':' first");
    assert_eq!(hash.len(), 22);
    assert!(
        hash.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
    );
    // JS number semantics: an integral float is the same argument as the int.
    if let Some(Arg::Int(i)) = input.args.first()
        && i.unsigned_abs() < (1 << 53)
    {
        let mut f = ArgsKey::new(&input.fn_name);
        f.float(*i as f64);
        feed(&mut f, input.args.get(1..).unwrap_or_default());
        assert_eq!(f.finish(), key, "float({i}) != int({i})");
    }
});
