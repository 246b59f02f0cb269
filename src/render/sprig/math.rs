//! Sprig's arithmetic: integer (`add`, `sub`, `div`, `mod`...) and float (`addf`...) functions,
//! rounding, and the `until`/`untilStep` sequences.

use tera::{Kwargs, State, Tera, TeraResult, Value};

use super::strings::{int_kw, to_float, to_int};
use super::{kwarg, list_arg, need};

fn numbers(kwargs: &Kwargs, f: &str) -> TeraResult<Vec<i64>> {
    Ok(list_arg(kwargs, "values", f)?.iter().map(to_int).collect())
}

fn add(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(
        numbers(&kwargs, "add")?
            .iter()
            .fold(0i64, |a, b| a.wrapping_add(*b)),
    ))
}

fn mul(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(
        numbers(&kwargs, "mul")?
            .iter()
            .fold(1i64, |a, b| a.wrapping_mul(*b)),
    ))
}

fn max(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(
        numbers(&kwargs, "max")?.into_iter().max().unwrap_or(0),
    ))
}

fn min(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(
        numbers(&kwargs, "min")?.into_iter().min().unwrap_or(0),
    ))
}

fn floats(kwargs: &Kwargs, f: &str) -> TeraResult<Vec<f64>> {
    Ok(list_arg(kwargs, "values", f)?
        .iter()
        .map(to_float)
        .collect())
}

/// Sprig computes `addf` and friends in decimal: `addf 0.1 0.2` is `0.3`.
fn decimal(x: f64) -> f64 {
    format!("{x:.14e}").parse().unwrap_or(x)
}

fn addf(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(decimal(
        floats(&kwargs, "addf")?.iter().sum::<f64>(),
    )))
}

fn mulf(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(decimal(
        floats(&kwargs, "mulf")?.iter().product::<f64>(),
    )))
}

fn maxf(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(
        floats(&kwargs, "maxf")?
            .into_iter()
            .fold(f64::MIN, f64::max),
    ))
}

fn minf(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(
        floats(&kwargs, "minf")?
            .into_iter()
            .fold(f64::MAX, f64::min),
    ))
}

fn pair(kwargs: &Kwargs, f: &str) -> TeraResult<(i64, i64)> {
    Ok((int_kw(kwargs, "a", f)?, int_kw(kwargs, "b", f)?))
}

fn sub(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let (a, b) = pair(&kwargs, "sub")?;
    Ok(Value::from(a.wrapping_sub(b)))
}

fn div(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let (a, b) = pair(&kwargs, "div")?;
    if b == 0 {
        return Err(tera::Error::message("div: integer divide by zero"));
    }
    Ok(Value::from(a / b))
}

fn modulo(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let (a, b) = pair(&kwargs, "mod")?;
    if b == 0 {
        return Err(tera::Error::message("mod: integer divide by zero"));
    }
    Ok(Value::from(a % b))
}

fn subf(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(decimal(
        to_float(need(&kwargs, "a", "subf")?) - to_float(need(&kwargs, "b", "subf")?),
    )))
}

fn divf(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(
        to_float(need(&kwargs, "a", "divf")?) / to_float(need(&kwargs, "b", "divf")?),
    ))
}

fn floor(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(to_float(value).floor()))
}

fn ceil(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    Ok(Value::from(to_float(value).ceil()))
}

fn round_to(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let places = kwarg(&kwargs, "precision").map(to_int).unwrap_or(0) as i32;
    let scale = 10f64.powi(places);
    let x = to_float(value) * scale;
    let r = if x - x.floor() >= 0.5 {
        x.ceil()
    } else {
        x.floor()
    };
    Ok(Value::from(r / scale))
}

fn until(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let n = int_kw(&kwargs, "count", "until")?;
    let items: Vec<Value> = if n >= 0 {
        (0..n).map(Value::from).collect()
    } else {
        (n + 1..=0).rev().map(Value::from).collect()
    };
    Ok(Value::from(items))
}

fn until_step(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let start = int_kw(&kwargs, "start", "untilStep")?;
    let stop = int_kw(&kwargs, "stop", "untilStep")?;
    let step = int_kw(&kwargs, "step", "untilStep")?;
    let mut items = Vec::new();
    let mut i = start;
    while step != 0 && ((step > 0 && i < stop) || (step < 0 && i > stop)) && items.len() < 1_000_000
    {
        items.push(Value::from(i));
        i += step;
    }
    Ok(Value::from(items))
}

pub(super) fn register(tera: &mut Tera) {
    tera.register_function("add", add);
    tera.register_function("mul", mul);
    tera.register_function("max", max);
    tera.register_function("min", min);
    tera.register_function("addf", addf);
    tera.register_function("mulf", mulf);
    tera.register_function("maxf", maxf);
    tera.register_function("minf", minf);
    tera.register_function("sub", sub);
    tera.register_function("div", div);
    tera.register_function("mod", modulo);
    tera.register_function("subf", subf);
    tera.register_function("divf", divf);
    tera.register_filter("floor", floor);
    tera.register_filter("ceil", ceil);
    tera.register_filter("roundTo", round_to);
    tera.register_function("until", until);
    tera.register_function("untilStep", until_step);
}
