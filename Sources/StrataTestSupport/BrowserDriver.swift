import Foundation

/// Drives headless Chromium through the DevTools protocol over a pipe (`--remote-debugging-pipe`,
/// Python standard library only), the way a user would: open a page, type into a field, press a
/// key, click an element at its place on the screen, read the page, take a screenshot. Every
/// console error, uncaught exception and failed resource load of the session is reported.
public enum BrowserDriver {
    /// Chromium on this machine, if any.
    public static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A step: `open` (url, wait: expression), `eval` (expr), `wait` (expr), `type` (selector,
    /// text), `key` (key: Enter|Escape), `click` (selector), `screenshot` (path).
    public struct Step: Sendable {
        var fields: [String: String]
        public static func open(_ url: String, wait: String = "document.body && document.body.dataset.ready === '1'") -> Step { Step(fields: ["op": "open", "url": url, "wait": wait]) }
        public static func eval(_ expr: String) -> Step { Step(fields: ["op": "eval", "expr": expr]) }
        public static func wait(_ expr: String) -> Step { Step(fields: ["op": "wait", "expr": expr]) }
        public static func type(_ selector: String, _ text: String) -> Step { Step(fields: ["op": "type", "selector": selector, "text": text]) }
        public static func key(_ key: String) -> Step { Step(fields: ["op": "key", "key": key]) }
        public static func click(_ selector: String) -> Step { Step(fields: ["op": "click", "selector": selector]) }
        public static func screenshot(_ path: String) -> Step { Step(fields: ["op": "screenshot", "path": path]) }
    }

    public struct Session: Sendable {
        /// One value per step: what `eval` returned (as JSON text), else "ok".
        public var results: [String]
        /// Console errors, exceptions and failed loads, in order.
        public var errors: [String]
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs the steps in one browser session of `width`×`height` pixels.
    public static func run(_ steps: [Step], width: Int = 1400, height: Int = 900) throws -> Session {
        guard let chromium else { throw Failure(description: "chromium is required (apt-get install chromium, or ./scripts/setup)") }
        guard let python = PythonOracle.python ?? ["/usr/bin/python3"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Failure(description: "python3 is required to drive the browser")
        }
        let plan = try JSONSerialization.data(withJSONObject: ["width": width, "height": height, "steps": steps.map(\.fields)])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("strata-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) } // a temporary folder: nothing to keep
        let planPath = dir.appendingPathComponent("plan.json").path
        try plan.write(to: URL(fileURLWithPath: planPath))
        let r = try TestProcess.run(python, ["-c", script, chromium, planPath, dir.appendingPathComponent("profile").path])
        guard r.status == 0 else { throw Failure(description: "the browser session failed (\(r.status)): \(r.stderr.suffix(2000))") }
        guard let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
              let results = obj["results"] as? [String], let errors = obj["errors"] as? [String] else {
            throw Failure(description: "unreadable browser session output: \(r.stdout.prefix(500))")
        }
        return Session(results: results, errors: errors)
    }

    static let script = #"""
import base64, fcntl, json, os, select, subprocess, sys, time

chromium, plan_path, profile = sys.argv[1], sys.argv[2], sys.argv[3]
plan = json.load(open(plan_path))
cmd_r, cmd_w = os.pipe()
resp_r, resp_w = os.pipe()

def wire():
    a = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 10)
    b = fcntl.fcntl(resp_w, fcntl.F_DUPFD, 10)
    os.dup2(a, 3)
    os.dup2(b, 4)

proc = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                         "--no-default-browser-check", "--hide-scrollbars", "--user-data-dir=" + profile,
                         "--remote-debugging-pipe", "about:blank"],
                        preexec_fn=wire, pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(cmd_r)
os.close(resp_w)
buf = b""
next_id = [0]
errors = []

def fail(msg):
    proc.kill()
    raise SystemExit(msg)

def read_message(deadline):
    global buf
    while b"\0" not in buf:
        left = deadline - time.time()
        if left <= 0:
            fail("timed out waiting for the browser")
        r, _, _ = select.select([resp_r], [], [], left)
        if r:
            chunk = os.read(resp_r, 1 << 20)
            if not chunk:
                fail("the browser closed the pipe")
            buf += chunk
    msg, buf = buf.split(b"\0", 1)
    return json.loads(msg)

def note(m):
    method, p = m.get("method"), m.get("params", {})
    if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
        errors.append("console.%s: %s" % (p["type"], " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))))
    elif method == "Runtime.exceptionThrown":
        d = p.get("exceptionDetails", {})
        errors.append("exception: %s %s" % (d.get("text", ""), d.get("exception", {}).get("description", "")))
    elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
        e = p["entry"]
        errors.append("log: %s %s" % (e.get("text", ""), e.get("url", "")))

def call(method, params=None, session=None, timeout=30):
    next_id[0] += 1
    i = next_id[0]
    m = {"id": i, "method": method, "params": params or {}}
    if session:
        m["sessionId"] = session
    os.write(cmd_w, json.dumps(m).encode() + b"\0")
    deadline = time.time() + timeout
    while True:
        r = read_message(deadline)
        if r.get("id") == i:
            if "error" in r:
                fail("%s: %s" % (method, r["error"]))
            return r.get("result", {})
        note(r)

def wait_event(name, timeout=30):
    deadline = time.time() + timeout
    while True:
        r = read_message(deadline)
        note(r)
        if r.get("method") == name:
            return r

targets = call("Target.getTargets")["targetInfos"]
page = next(t for t in targets if t["type"] == "page")
s = call("Target.attachToTarget", {"targetId": page["targetId"], "flatten": True})["sessionId"]
for domain in ("Page", "Runtime", "Log"):
    call(domain + ".enable", session=s)
call("Emulation.setDeviceMetricsOverride", {"width": plan["width"], "height": plan["height"], "deviceScaleFactor": 1, "mobile": False}, session=s)

def evaluate(expr):
    r = call("Runtime.evaluate", {"expression": expr, "returnByValue": True, "awaitPromise": True}, session=s)
    if "exceptionDetails" in r:
        fail("evaluating %s: %s" % (expr, r["exceptionDetails"].get("exception", {}).get("description", r["exceptionDetails"].get("text"))))
    return r.get("result", {}).get("value")

def wait_for(expr, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if evaluate("!!(" + expr + ")"):
            return
        time.sleep(0.05)
    fail("timed out waiting for " + expr)

def element(selector):
    q = json.dumps(selector)
    box = evaluate("(function(){var e=document.querySelector(%s); if(!e) return null; e.scrollIntoView({block:'center', inline:'center'});"
                   "var r=e.getBoundingClientRect(); return [r.left+r.width/2, r.top+r.height/2, r.width, r.height];})()" % q)
    if not box:
        fail("no element matches " + selector)
    return box

results = []
for step in plan["steps"]:
    op = step["op"]
    out = "ok"
    if op == "open":
        call("Page.navigate", {"url": step["url"]}, session=s)
        wait_event("Page.loadEventFired")
        wait_for(step["wait"])
    elif op == "eval":
        out = json.dumps(evaluate(step["expr"]))
    elif op == "wait":
        wait_for(step["expr"])
    elif op == "type":
        element(step["selector"])
        evaluate("document.querySelector(%s).focus()" % json.dumps(step["selector"]))
        call("Input.insertText", {"text": step["text"]}, session=s)
    elif op == "key":
        codes = {"Enter": 13, "Escape": 27}
        for t in ("keyDown", "keyUp"):
            call("Input.dispatchKeyEvent", {"type": t, "key": step["key"], "code": step["key"], "windowsVirtualKeyCode": codes[step["key"]],
                                            "text": "\r" if step["key"] == "Enter" and t == "keyDown" else ""}, session=s)
    elif op == "click":
        x, y, w, h = element(step["selector"])
        if w <= 0 or h <= 0:
            fail("%s is not visible" % step["selector"])
        for t in ("mouseMoved", "mousePressed", "mouseReleased"):
            call("Input.dispatchMouseEvent", {"type": t, "x": x, "y": y, "button": "left", "clickCount": 1}, session=s)
    elif op == "screenshot":
        png = call("Page.captureScreenshot", {"format": "png"}, session=s)["data"]
        open(step["path"], "wb").write(base64.b64decode(png))
    else:
        fail("unknown step " + op)
    results.append(out)
# Let late events (a failed load, an error in a handler) arrive before closing.
try:
    evaluate("new Promise(function (r) { setTimeout(r, 100); })")
    call("Browser.close", timeout=10)
except SystemExit:
    pass
proc.wait(timeout=20)
print(json.dumps({"results": results, "errors": errors}))
"""#
}
