//! The review APIs a user asks about themselves with: `SelfSubjectAccessReview` (`kubectl auth
//! can-i`), `SelfSubjectRulesReview` (`kubectl auth can-i --list`) and `SelfSubjectReview`
//! (`kubectl auth whoami`). Each is create-only and stores nothing.

use axum::http::Method;
use serde_json::{Value, json};

use super::{Attributes, Identity};
use crate::error::{ApiError, ApiResult, Cause};
use crate::server::Shared;

const AUTHORIZATION: &str = "authorization.k8s.io";
const AUTHENTICATION: &str = "authentication.k8s.io";

/// Whether `path` is one of the review resources (served here, not by the store).
fn review_kind(path: &str) -> Option<(&'static str, &'static str)> {
    match path.trim_end_matches('/') {
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" => {
            Some((AUTHORIZATION, "SelfSubjectAccessReview"))
        }
        "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews" => {
            Some((AUTHORIZATION, "SelfSubjectRulesReview"))
        }
        "/apis/authentication.k8s.io/v1/selfsubjectreviews" => {
            Some((AUTHENTICATION, "SelfSubjectReview"))
        }
        _ => None,
    }
}

/// Answers a review request, or `None` when `path` is not a review resource. `body` decodes the
/// request body (JSON, YAML or protobuf, as for any create).
pub fn serve(
    shared: &Shared,
    user: &Identity,
    method: &Method,
    path: &str,
    body: impl FnOnce() -> ApiResult<Value>,
) -> Option<ApiResult<Value>> {
    let (group, kind) = review_kind(path)?;
    if *method != Method::POST {
        return Some(Err(ApiError::method_not_allowed(
            "the server does not allow this method on the requested resource",
        )));
    }
    Some(body().and_then(|review| {
        let status = match kind {
            "SelfSubjectAccessReview" => access_review(shared, user, &review)?,
            "SelfSubjectRulesReview" => {
                let namespace = review
                    .pointer("/spec/namespace")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                shared.auth.rules(&shared.store(), user, namespace)
            }
            _ => json!({"userInfo": {"username": user.name, "groups": user.groups}}),
        };
        let mut answer = json!({
            "kind": kind,
            "apiVersion": format!("{group}/v1"),
            "metadata": {"creationTimestamp": null},
        });
        if let Some(spec) = review.get("spec") {
            answer["spec"] = spec.clone();
        }
        answer["status"] = status;
        Ok(answer)
    }))
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn access_review(shared: &Shared, user: &Identity, review: &Value) -> ApiResult<Value> {
    let spec = review.get("spec").cloned().unwrap_or(Value::Null);
    let attributes = match (
        spec.get("resourceAttributes"),
        spec.get("nonResourceAttributes"),
    ) {
        (Some(resource), None) => Attributes {
            verb: text(resource, "verb"),
            resource_request: true,
            namespace: text(resource, "namespace"),
            group: text(resource, "group"),
            version: text(resource, "version"),
            resource: text(resource, "resource"),
            subresource: text(resource, "subresource"),
            name: text(resource, "name"),
            path: String::new(),
        },
        (None, Some(non_resource)) => Attributes {
            verb: text(non_resource, "verb"),
            path: text(non_resource, "path"),
            ..Attributes::default()
        },
        _ => {
            return Err(ApiError::invalid(
                AUTHORIZATION,
                "SelfSubjectAccessReview",
                "",
                vec![Cause {
                    reason: "FieldValueInvalid",
                    message: "Invalid value: \"\": exactly one of nonResourceAttributes or resourceAttributes must be specified".into(),
                    field: "spec.resourceAttributes".into(),
                }],
            ));
        }
    };
    let decision = shared.auth.decide(&shared.store(), user, &attributes);
    let mut status = json!({"allowed": decision.allowed});
    if !decision.reason.is_empty() {
        status["reason"] = json!(decision.reason);
    }
    Ok(status)
}
