@testable import BallastDaemon
import Testing

/// `on_stop`, `stop_timeout`, `allow_remote` and `lock_dir`: parsed, and every bad value
/// an error naming the key, the file and the line.
@Suite("Config: safe stops, exposure, lock")
struct SafetyConfigTests {
    @Test("defaults: keep, 10 s, loopback only, /run/ballast")
    func defaults() throws {
        let config = try ConfigLoader.parse("", file: "ballast.toml")
        #expect(config.onStop == StopPolicy(action: .keep, timeout: 10))
        #expect(!config.allowRemote)
        #expect(config.lockDirectory == "/run/ballast")
    }

    @Test("the keys parse")
    func keysParse() throws {
        let config = try ConfigLoader.parse("""
            on_stop = "release"
            stop_timeout = "30s"
            allow_remote = true
            listen = "0.0.0.0:9477"
            lock_dir = "/var/lib/ballast/lock"
            """, file: "ballast.toml")
        #expect(config.onStop == StopPolicy(action: .release, timeout: 30))
        #expect(config.allowRemote && config.listen == "0.0.0.0:9477")
        #expect(config.lockDirectory == "/var/lib/ballast/lock")
    }

    @Test("bad values name the key, the file and the line")
    func badValues() {
        do {
            _ = try ConfigLoader.parse("""
                on_stop = "restore"
                stop_timeout = "20m"
                lock_dir = "run/ballast"
                """, file: "/etc/ballast/ballast.toml")
            Issue.record("a bad config loaded")
        } catch {
            #expect(error.issues.map(\.key) == ["on_stop", "stop_timeout", "lock_dir"])
            #expect(error.issues.map(\.line) == [1, 2, 3])
            #expect(error.issues.allSatisfy { $0.file == "/etc/ballast/ballast.toml" })
            #expect(error.issues[0].message.contains("\"keep\" or \"release\""))
        }
    }

    @Test("a non-loopback listen is refused without allow_remote, in the file and on the command line")
    func remoteListenIsRefused() throws {
        for listen in ["0.0.0.0:9477", "[::]:9477", "192.168.1.5:9477", "metrics.example.org:9477"] {
            do {
                _ = try ConfigLoader.parse("\nlisten = \"\(listen)\"\n", file: "ballast.toml")
                Issue.record("\(listen) was accepted")
            } catch {
                #expect(error.issues.map(\.key) == ["listen"])
                #expect(error.issues.first?.line == 2)
                #expect(error.issues.first?.message.contains("allow_remote = true") == true, "\(error)")
            }
        }
        do {
            _ = try RunRequest(listen: "0.0.0.0:9477").loadConfig()
            Issue.record("--listen 0.0.0.0:9477 was accepted")
        } catch {
            #expect(error.issues.map(\.key) == ["listen"])
            #expect(error.description.contains("--listen") && error.description.contains("allow_remote"), "\(error)")
        }
        #expect(try RunRequest(listen: "127.0.0.1:0").loadConfig().listen == "127.0.0.1:0")
    }

    @Test("loopback addresses")
    func loopback() {
        for host in ["127.0.0.1", "127.3.2.1", "localhost", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"] {
            #expect(ListenExposure.isLoopback(host: host), "\(host)")
        }
        for host in ["0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "::2", "localhost.example.org", ""] {
            #expect(!ListenExposure.isLoopback(host: host), "\(host)")
        }
    }

    @Test("a reload names on_stop, dry_run and the lock as settings that need a restart")
    func restartOnly() {
        let old = BallastConfig()
        var new = old
        new.onStop = StopPolicy(action: .release, timeout: 5)
        new.balancer.governor.dryRun = true
        new.lockDirectory = "/tmp/locks"
        new.allowRemote = true
        #expect(RestartOnlySettings.changes(from: old, to: new) == [
            "dry_run: false -> true", "on_stop/stop_timeout: keep 10.0s -> release 5.0s", "allow_remote: false -> true",
            "lock_dir: /run/ballast -> /tmp/locks",
        ])
    }
}
