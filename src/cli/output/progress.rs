//! The two ways progress is shown: [`Live`] lines on a terminal, redrawn in place, and
//! [`Plain`] timestamped lines for logs, one per change and nothing repeated.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cluster::apply::{ObjectKey, ProgressSink};
use crate::cluster::ready::Readiness;

/// What a waited object's line says: `Deployment `dev/web` waiting: 1 of 2 replicas available`.
pub fn object_line(key: &ObjectKey, state: &Readiness) -> String {
    match state {
        Readiness::Ready => format!("{key} ready"),
        Readiness::Pending(reason) => format!("{key} waiting: {reason}"),
        Readiness::Failed(reason) => format!("{key} failed: {reason}"),
    }
}

/// Timestamped lines on stderr, for logs: each operation step and each change of a waited
/// object's state, once.
#[derive(Default)]
pub struct Plain {
    last: Mutex<Option<String>>,
}

impl Plain {
    fn line(&self, text: &str) {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.as_deref() == Some(text) {
            return;
        }
        *last = Some(text.to_string());
        let _ = writeln!(
            std::io::stderr().lock(),
            "{} {text}",
            crate::support::clock::now_rfc3339()
        );
    }
}

impl ProgressSink for Plain {
    fn message(&self, message: &str) {
        self.line(message);
    }

    fn object(&self, key: &ObjectKey, state: &Readiness) {
        self.line(&object_line(key, state));
    }
}

/// At most this many object lines at once; the others show as a count on the operation's line.
const MAX_LINES: usize = 20;

/// Live lines on a terminal: a spinner with what the operation does, and below it one line per
/// object still not ready, removed as each becomes ready.
pub struct Live {
    multi: MultiProgress,
    main: ProgressBar,
    objects: Mutex<Objects>,
}

#[derive(Default)]
struct Objects {
    bars: HashMap<ObjectKey, ProgressBar>,
    /// Objects waited for without a line of their own (beyond `MAX_LINES`).
    hidden: HashMap<ObjectKey, String>,
    message: String,
}

impl Live {
    pub fn new() -> Live {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let main = multi.add(ProgressBar::new_spinner());
        main.enable_steady_tick(Duration::from_millis(100));
        Live {
            multi,
            main,
            objects: Mutex::new(Objects::default()),
        }
    }

    fn bar(&self, text: String) -> ProgressBar {
        let bar = self.multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("  {spinner} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(100));
        bar.set_message(text);
        bar
    }

    fn refresh_main(&self, objects: &Objects) {
        let mut text = objects.message.clone();
        if !objects.hidden.is_empty() {
            text.push_str(&format!(" ({} more not shown)", objects.hidden.len()));
        }
        self.main.set_message(text);
    }

    pub fn clear(&self) {
        let mut objects = self.objects.lock().unwrap_or_else(|e| e.into_inner());
        for (_, bar) in objects.bars.drain() {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
        self.main.finish_and_clear();
        let _ = self.multi.clear();
    }
}

impl ProgressSink for Live {
    fn message(&self, message: &str) {
        let mut objects = self.objects.lock().unwrap_or_else(|e| e.into_inner());
        objects.message = message.to_string();
        self.refresh_main(&objects);
    }

    fn object(&self, key: &ObjectKey, state: &Readiness) {
        let mut objects = self.objects.lock().unwrap_or_else(|e| e.into_inner());
        let text = object_line(key, state);
        if state.is_ready() {
            objects.hidden.remove(key);
            if let Some(bar) = objects.bars.remove(key) {
                bar.finish_and_clear();
                self.multi.remove(&bar);
            }
            // Room for one that had none.
            if let Some(next) = objects.hidden.keys().next().cloned()
                && objects.bars.len() < MAX_LINES
            {
                let line = objects.hidden.remove(&next).unwrap_or_default();
                let bar = self.bar(line);
                objects.bars.insert(next, bar);
            }
        } else if let Some(bar) = objects.bars.get(key) {
            bar.set_message(text);
        } else if objects.bars.len() < MAX_LINES {
            let bar = self.bar(text);
            objects.bars.insert(key.clone(), bar);
        } else {
            objects.hidden.insert(key.clone(), text);
        }
        self.refresh_main(&objects);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_lines_name_the_object_and_its_state() {
        let key = ObjectKey {
            group: "apps".into(),
            kind: "Deployment".into(),
            namespace: Some("dev".into()),
            name: "web".into(),
        };
        assert_eq!(
            object_line(
                &key,
                &Readiness::Pending("0 of 2 replicas available".into())
            ),
            "Deployment `dev/web` waiting: 0 of 2 replicas available"
        );
        assert_eq!(
            object_line(&key, &Readiness::Ready),
            "Deployment `dev/web` ready"
        );
    }
}
