import Foundation

/// Runs shell commands inside an e2e guest through its QEMU guest agent (`guest-exec`),
/// so that a test can make a memory step at a moment it picks, as often as it likes,
/// instead of at the one boot-time offset of the guest's scripted workload.
enum GuestShell {
    /// A command started in the guest, to be waited for with `wait`.
    struct Started: Sendable {
        let guest: String
        let pid: Int
        let script: String
    }

    /// Waits until the guest's agent answers a ping (it connects a little after the ready marker).
    static func waitForAgent(_ guest: String, within timeout: Double = 60) async throws {
        try await eventually("the guest agent of \(guest) answers", within: timeout, every: 0.5) {
            (try? await command(guest, ["execute": "guest-ping"])) != nil
        }
    }

    /// Starts `/bin/sh -c script` in the guest and returns at once.
    static func start(_ guest: String, _ script: String) async throws -> Started {
        let request: [String: Any] = ["execute": "guest-exec",
                                      "arguments": ["path": "/bin/sh", "arg": ["-c", script], "capture-output": true]]
        let reply = try await command(guest, request)
        guard let pid = reply["pid"] as? Int else {
            throw HarnessError.unexpectedOutput(command: "guest-exec in \(guest)", detail: "no pid in the reply: \(reply)")
        }
        return Started(guest: guest, pid: pid, script: script)
    }

    /// Waits until the command exits; throws with its exit code when it failed.
    static func wait(_ started: Started, within timeout: Double = 60) async throws {
        var exitCode: Int?
        try await eventually("`\(started.script)` exits in \(started.guest)", within: timeout, every: 0.2) {
            let status = try await command(started.guest, ["execute": "guest-exec-status", "arguments": ["pid": started.pid]])
            guard status["exited"] as? Bool == true else { return false }
            exitCode = status["exitcode"] as? Int ?? -1
            return true
        }
        guard exitCode == 0 else {
            throw HarnessError.unexpectedOutput(command: "`\(started.script)` in \(started.guest)",
                                                detail: "exited with \(exitCode.map(String.init) ?? "no code"); see its serial log")
        }
    }

    /// Runs `/bin/sh -c script` in the guest and waits for it to succeed.
    static func run(_ guest: String, _ script: String, within timeout: Double = 60) async throws {
        try await wait(try await start(guest, script), within: timeout)
    }

    /// One agent command through `virsh qemu-agent-command`; returns its "return" object.
    /// libvirt briefly reports a connected agent as "not connected" (seen once, between a
    /// `guest-exec` and its `guest-exec-status`, with nothing in the guest's serial log): such
    /// an answer is retried for up to 10 s before it fails the test.
    private static func command(_ guest: String, _ request: [String: Any]) async throws -> [String: Any] {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)
        let output: String
        var attempt = 0
        while true {
            do {
                output = try await Virsh.run(["qemu-agent-command", guest, json], timeout: 30)
                break
            } catch HarnessError.commandFailed(let command, let status, let text)
                        where text.contains("QEMU guest agent is not connected") {
                attempt += 1
                guard attempt < 20 else { throw HarnessError.commandFailed(command: command, status: status, output: text) }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
              let reply = object["return"] as? [String: Any] else {
            throw HarnessError.unexpectedOutput(command: "virsh qemu-agent-command \(guest) \(json)",
                                                detail: "not a JSON object with \"return\": \(output)")
        }
        return reply
    }
}
