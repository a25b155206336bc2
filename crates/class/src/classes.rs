//! The classes a server holds, in memory only: codes, anonymous students, per-student counts and the
//! class totals the board shows. Nothing is written to disk; a class is gone when it expires or its
//! teacher closes it.
//!
//! ```text
//! Registry ── code ──▶ Class { teacher token, expiry, watch::Sender<Arc<Totals>> }
//!                        └─ Mutex<State> { students: id ──▶ Student { counts, seconds, labels, bucket } }
//! labour {student, kind, n} ──▶ student's count += n, floored at 0 ──▶ class total += what changed
//!                           ──▶ new Totals sent on the watch channel (boards' live streams read it)
//! ```
//! Totals are sums of per-student counts that never go below zero, so an undo can only take back what
//! that student added, and no request can make a total wrong or negative.

use crate::error::{Error, Result};
use digitus::model::Kind;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;

/// Caps and rates; the defaults fit a school (see `--help` of the binary).
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_classes: usize,
    pub max_students: usize,
    /// A class expires this long after it was created.
    pub class_lifetime: Duration,
    /// Sustained units of labour per second one student may send (a human does at most a few).
    pub student_rate: f64,
    /// Units one student may send at once before the rate applies (a post with many hashtags).
    pub student_burst: f64,
    /// Largest request body any endpoint takes, bytes.
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_classes: 200,
            max_students: 500,
            class_lifetime: Duration::from_secs(3 * 3600),
            student_rate: 10.0,
            student_burst: 60.0,
            max_body: 4096,
        }
    }
}

/// Largest `|n|` of one labour request, and of one CAPTCHA object's labels.
pub const MAX_N: i64 = 100;
/// Largest `|seconds|` of one labour request.
pub const MAX_SECONDS: f64 = 3600.0;
/// Distinct CAPTCHA objects a class may hold.
pub const MAX_OBJECTS: usize = 32;
/// Points kept in a class's timeline (older ones are thinned out, never dropped all at once).
const TIMELINE_POINTS: usize = 600;
/// The timeline gains at most one point per this many seconds.
const TIMELINE_STEP_S: f64 = 5.0;
/// Letters of class codes: no 0/O, 1/I/L, so a code read off a projector is typed right.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LEN: usize = 6;

/// What the board shows, and what `totals` answers. Fields are only ever added.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Totals {
    pub code: String,
    pub students: usize,
    /// Net count per kind of labour, every kind of the core present.
    pub kinds: BTreeMap<&'static str, i64>,
    /// Sum of all kinds.
    pub events: i64,
    /// Time the class spent on this labour, seconds (measured in the lab, or the core's estimate).
    pub seconds: f64,
    /// CAPTCHA images labelled, by object.
    pub captcha_labels: BTreeMap<String, i64>,
    /// Class start and expiry, ms since the Unix epoch.
    pub started: f64,
    pub expires: f64,
    /// `[seconds since start, events]`, at most one point per few seconds: the board's growing chart.
    pub timeline: Vec<(f64, i64)>,
    /// The valuations of the class's labour (the core's `value` answer, see `value`); `null` when none
    /// can be made.
    pub valuations: serde_json::Value,
    /// Whether the class was closed (the last message a live stream sends).
    pub closed: bool,
}

#[derive(Debug)]
struct Student {
    kinds: [i64; Kind::ALL.len()],
    seconds: f64,
    labels: BTreeMap<String, i64>,
    tokens: f64,
    refilled: Instant,
}

#[derive(Debug)]
struct State {
    students: HashMap<String, Student>,
    kinds: [i64; Kind::ALL.len()],
    seconds: f64,
    labels: BTreeMap<String, i64>,
    timeline: Vec<(f64, i64)>,
}

/// One class: its teacher's token, its expiry and its live state.
#[derive(Debug)]
pub struct Class {
    pub code: String,
    teacher: String,
    created: Instant,
    started_ms: f64,
    expires_at: Instant,
    state: Mutex<State>,
    live: watch::Sender<Arc<Totals>>,
}

/// One labour report, as validated from the request body.
#[derive(Debug, Clone)]
pub struct Labour {
    pub student: String,
    pub kind: Kind,
    pub n: i64,
    pub seconds: f64,
    pub labels: BTreeMap<String, i64>,
}

fn now_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave a total half-written (every update is a few
    // integer additions), so a poisoned lock is still safe to use.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A random token: 128 bits, hex. Unguessable, and carries nothing about who holds it.
pub fn token() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn new_code() -> String {
    let mut bytes = [0u8; CODE_LEN];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    // 256 % 31 != 0 leaves a tiny bias towards the first letters; harmless for a class code.
    bytes.iter().map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char).collect()
}

/// A code as typed by a student ("abc-def", " ABCDEF ") → its canonical form, or `None` if it cannot be one.
pub fn normalise_code(typed: &str) -> Option<String> {
    let code: String = typed.chars().filter(|c| !matches!(c, ' ' | '-')).map(|c| c.to_ascii_uppercase()).collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

fn kind_index(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| *k == kind).expect("every kind is in Kind::ALL")
}

impl Totals {
    /// A copy with its valuations made (for answers and the live stream).
    pub fn with_valuations(&self) -> Totals {
        let mut totals = self.clone();
        totals.valuations = crate::value::of(&totals);
        totals
    }
}

impl Class {
    pub fn teacher_matches(&self, token: &str) -> bool {
        // Constant-time enough for a 32-character token compared once per request.
        token.len() == self.teacher.len() && token.bytes().zip(self.teacher.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }

    pub fn subscribe(&self) -> watch::Receiver<Arc<Totals>> {
        self.live.subscribe()
    }

    pub fn totals(&self) -> Arc<Totals> {
        self.live.borrow().clone()
    }

    fn expired(&self, now: Instant) -> bool {
        now >= self.expires_at
    }

    fn build_totals(&self, state: &State, closed: bool) -> Totals {
        let kinds: BTreeMap<&'static str, i64> = Kind::ALL.iter().zip(state.kinds).map(|(k, n)| (k.as_str(), n)).collect();
        let totals = Totals {
            code: self.code.clone(),
            students: state.students.len(),
            events: state.kinds.iter().sum(),
            kinds,
            seconds: (state.seconds * 10.0).round() / 10.0,
            captcha_labels: state.labels.iter().filter(|(_, n)| **n != 0).map(|(k, n)| (k.clone(), *n)).collect(),
            started: self.started_ms,
            expires: self.started_ms + (self.expires_at - self.created).as_secs_f64() * 1000.0,
            timeline: state.timeline.clone(),
            valuations: serde_json::Value::Null,
            closed,
        };
        // Valued when read (`with_valuations`), not on every act: a board reads a few times a second,
        // a class acts far more often.
        totals
    }

    fn publish(&self, state: &State) {
        self.live.send_replace(Arc::new(self.build_totals(state, false)));
    }

    /// Adds an anonymous student; answers their id.
    pub fn join(&self, limits: &Limits) -> Result<String> {
        let mut state = lock(&self.state);
        if state.students.len() >= limits.max_students {
            return Err(Error::Full(format!("this class already has {} students", limits.max_students)));
        }
        let id = token();
        let student = Student {
            kinds: [0; Kind::ALL.len()],
            seconds: 0.0,
            labels: BTreeMap::new(),
            tokens: limits.student_burst,
            refilled: Instant::now(),
        };
        state.students.insert(id.clone(), student);
        self.publish(&state);
        Ok(id)
    }

    /// Applies one labour report. Answers the student's own new count of that kind.
    pub fn labour(&self, limits: &Limits, labour: &Labour, allowed_objects: &HashSet<String>) -> Result<i64> {
        let mut guard = lock(&self.state);
        let state = &mut *guard;
        let objects_now = state.labels.len();
        let Some(student) = state.students.get_mut(&labour.student) else {
            return Err(Error::Forbidden("no such student in this class (join first)".into()));
        };
        for object in labour.labels.keys() {
            if !allowed_objects.contains(object) {
                return Err(Error::BadInput(format!("labels: {object:?} is not an object of the lab's CAPTCHA")));
            }
        }
        let new_objects = labour.labels.keys().filter(|o| !state.labels.contains_key(*o)).count();
        if objects_now + new_objects > MAX_OBJECTS {
            return Err(Error::Full(format!("a class holds at most {MAX_OBJECTS} CAPTCHA objects")));
        }
        // Token bucket: refill, then charge one token per unit of labour (at least one per request).
        let now = Instant::now();
        let elapsed = now.duration_since(student.refilled).as_secs_f64();
        student.tokens = (student.tokens + elapsed * limits.student_rate).min(limits.student_burst);
        student.refilled = now;
        let cost = (labour.n.unsigned_abs() as f64).max(1.0);
        if student.tokens < cost {
            return Err(Error::RateLimited);
        }
        student.tokens -= cost;

        let i = kind_index(labour.kind);
        let before = student.kinds[i];
        student.kinds[i] = (before + labour.n).max(0);
        let applied = student.kinds[i] - before;
        let seconds_before = student.seconds;
        student.seconds = (seconds_before + labour.seconds).max(0.0);
        let applied_seconds = student.seconds - seconds_before;
        let mut applied_labels = Vec::new();
        for (object, n) in &labour.labels {
            let mine = student.labels.entry(object.clone()).or_default();
            let was = *mine;
            *mine = (was + n).max(0);
            applied_labels.push((object.clone(), *mine - was));
        }
        let own = student.kinds[i];

        state.kinds[i] += applied;
        state.seconds += applied_seconds;
        for (object, delta) in applied_labels {
            *state.labels.entry(object).or_default() += delta;
        }
        let t = now.duration_since(self.created).as_secs_f64();
        let events: i64 = state.kinds.iter().sum();
        let points = state.timeline.len();
        match state.timeline.last_mut() {
            // The first point (0, 0) stays: the chart starts at the class's start.
            Some(last) if t - last.0 < TIMELINE_STEP_S && points > 1 => last.1 = events,
            _ => state.timeline.push(((t * 10.0).round() / 10.0, events)),
        }
        if state.timeline.len() > TIMELINE_POINTS {
            // Keep the first point and every other one after it: the curve keeps its shape.
            let thinned: Vec<_> = state.timeline.iter().enumerate().filter(|(k, _)| k % 2 == 0).map(|(_, p)| *p).collect();
            state.timeline = thinned;
        }
        self.publish(state);
        Ok(own)
    }

    fn close(&self) {
        let state = lock(&self.state);
        self.live.send_replace(Arc::new(self.build_totals(&state, true)));
    }
}

/// Every open class. Cheap to share (`Arc`); each method takes the registry lock only briefly.
#[derive(Debug)]
pub struct Registry {
    pub limits: Limits,
    classes: Mutex<HashMap<String, Arc<Class>>>,
    /// CAPTCHA objects the lab may report labels for (from the lab's own challenge set).
    pub objects: HashSet<String>,
}

impl Registry {
    pub fn new(limits: Limits, objects: HashSet<String>) -> Registry {
        Registry { limits, classes: Mutex::new(HashMap::new()), objects }
    }

    /// Opens a class; answers it and its teacher's token.
    pub fn create(&self) -> Result<(Arc<Class>, String)> {
        let mut classes = lock(&self.classes);
        let now = Instant::now();
        classes.retain(|_, c| !c.expired(now));
        if classes.len() >= self.limits.max_classes {
            return Err(Error::Full(format!("this server already holds {} classes", self.limits.max_classes)));
        }
        let code = loop {
            let code = new_code();
            if !classes.contains_key(&code) {
                break code;
            }
        };
        let teacher = token();
        let state = State {
            students: HashMap::new(),
            kinds: [0; Kind::ALL.len()],
            seconds: 0.0,
            labels: BTreeMap::new(),
            timeline: vec![(0.0, 0)],
        };
        let (live, _) = watch::channel(Arc::new(Totals {
            code: code.clone(),
            students: 0,
            kinds: BTreeMap::new(),
            events: 0,
            seconds: 0.0,
            captcha_labels: BTreeMap::new(),
            started: 0.0,
            expires: 0.0,
            timeline: Vec::new(),
            valuations: serde_json::Value::Null,
            closed: false,
        }));
        let class = Arc::new(Class {
            code: code.clone(),
            teacher: teacher.clone(),
            created: now,
            started_ms: now_ms(),
            expires_at: now + self.limits.class_lifetime,
            state: Mutex::new(state),
            live,
        });
        class.publish(&lock(&class.state));
        classes.insert(code, class.clone());
        Ok((class, teacher))
    }

    /// The open class with this code (as typed), or `not_found`.
    pub fn get(&self, typed: &str) -> Result<Arc<Class>> {
        let missing = || Error::NotFound(format!("no open class {typed:?}"));
        let code = normalise_code(typed).ok_or_else(missing)?;
        let classes = lock(&self.classes);
        match classes.get(&code) {
            Some(c) if !c.expired(Instant::now()) => Ok(c.clone()),
            _ => Err(missing()),
        }
    }

    /// Closes a class at its teacher's request: everything it held is dropped.
    pub fn close(&self, class: &Class) {
        let removed = lock(&self.classes).remove(&class.code);
        if let Some(c) = removed {
            c.close();
        }
    }

    /// Drops expired classes (the server's sweeper calls this every few seconds); answers how many.
    pub fn sweep(&self) -> usize {
        let now = Instant::now();
        let mut classes = lock(&self.classes);
        let expired: Vec<String> = classes.iter().filter(|(_, c)| c.expired(now)).map(|(k, _)| k.clone()).collect();
        for code in &expired {
            if let Some(c) = classes.remove(code) {
                c.close();
            }
        }
        expired.len()
    }

    pub fn len(&self) -> usize {
        lock(&self.classes).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labour(student: &str, kind: Kind, n: i64) -> Labour {
        Labour { student: student.into(), kind, n, seconds: 0.0, labels: BTreeMap::new() }
    }

    #[test]
    fn codes_are_typed_loosely_and_checked_strictly() {
        assert_eq!(normalise_code(" abc-def "), Some("ABCDEF".into()));
        assert_eq!(normalise_code("abc-dEf"), Some("ABCDEF".into()));
        assert_eq!(normalise_code("ABCDE0"), None); // 0 is not a code letter
        assert_eq!(normalise_code("ABCDEFG"), None);
        assert_eq!(normalise_code("ÀBCDEF"), None);
        for _ in 0..100 {
            assert!(normalise_code(&new_code()).is_some());
        }
    }

    #[test]
    fn undo_takes_back_only_the_students_own_labour() {
        let registry = Registry::new(Limits::default(), HashSet::new());
        let (class, _) = registry.create().unwrap();
        let limits = Limits::default();
        let a = class.join(&limits).unwrap();
        let b = class.join(&limits).unwrap();
        class.labour(&limits, &labour(&a, Kind::Like, 3), &HashSet::new()).unwrap();
        class.labour(&limits, &labour(&b, Kind::Like, 1), &HashSet::new()).unwrap();
        // b "undoes" 50 likes it never gave: only its own one goes.
        assert_eq!(class.labour(&limits, &labour(&b, Kind::Like, -50), &HashSet::new()).unwrap(), 0);
        let t = class.totals();
        assert_eq!(t.kinds["like"], 3);
        assert_eq!(t.events, 3);
        assert_eq!(t.students, 2);
    }

    #[test]
    fn a_flood_is_refused_and_counts_nothing() {
        let limits = Limits { student_rate: 0.0, student_burst: 5.0, ..Limits::default() };
        let registry = Registry::new(limits.clone(), HashSet::new());
        let (class, _) = registry.create().unwrap();
        let a = class.join(&limits).unwrap();
        let mut refused = 0;
        for _ in 0..10 {
            match class.labour(&limits, &labour(&a, Kind::Report, 1), &HashSet::new()) {
                Err(Error::RateLimited) => refused += 1,
                other => assert!(other.is_ok()),
            }
        }
        assert_eq!(refused, 5);
        assert_eq!(class.totals().kinds["report"], 5);
    }

    #[test]
    fn caps_and_closing() {
        let limits = Limits { max_classes: 2, max_students: 1, ..Limits::default() };
        let registry = Registry::new(limits.clone(), HashSet::new());
        let (one, _) = registry.create().unwrap();
        registry.create().unwrap();
        assert!(matches!(registry.create(), Err(Error::Full(_))));
        one.join(&limits).unwrap();
        assert!(matches!(one.join(&limits), Err(Error::Full(_))));
        let mut live = one.subscribe();
        registry.close(&one);
        assert!(live.borrow_and_update().closed);
        assert!(matches!(registry.get(&one.code), Err(Error::NotFound(_))));
        registry.create().unwrap();
    }

    #[test]
    fn labels_only_for_known_objects() {
        let objects: HashSet<String> = ["bicycles".to_string()].into();
        let registry = Registry::new(Limits::default(), objects.clone());
        let (class, _) = registry.create().unwrap();
        let a = class.join(&registry.limits).unwrap();
        let mut l = labour(&a, Kind::Captcha, 1);
        l.labels.insert("bicycles".into(), 4);
        class.labour(&registry.limits, &l, &objects).unwrap();
        l.labels.insert("rude words".into(), 1);
        assert!(matches!(class.labour(&registry.limits, &l, &objects), Err(Error::BadInput(_))));
        assert_eq!(class.totals().captcha_labels["bicycles"], 4);
        assert_eq!(class.totals().kinds["captcha"], 1);
    }
}
