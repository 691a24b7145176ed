import Foundation

/// Debian's `chromium`, run headless on a local file the way a reader opens the
/// report: a screenshot with every console message logged, or the DOM as the
/// page left it after load. Each run has its own throw-away profile (tests run
/// in parallel, and Chromium locks its profile) and a hard time limit.
struct HeadlessChromium {
    let binary: String

    /// What one run left behind.
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double

        /// Messages the page wrote to its console, as Chromium logs them with
        /// `--enable-logging=stderr`: `INFO:CONSOLE:1] "Error: <polyline> attribute
        /// points: Expected number, ...", source: file:///... (1)`. A page with no
        /// script logs nothing there unless something is wrong: an SVG attribute
        /// Chromium cannot parse (a NaN coordinate, a negative width) or an
        /// uncaught script error.
        var consoleMessages: [String] {
            stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        }
    }

    /// The installed browser, or `nil` (the caller fails, naming the install script).
    static func find() -> HeadlessChromium? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") + ["/usr/bin"] {
            let candidate = "\(directory)/chromium"
            if FileManager.default.isExecutableFile(atPath: candidate) { return HeadlessChromium(binary: candidate) }
        }
        return nil
    }

    static let missingMessage = "Debian's chromium is not installed: run `bash scripts/install-deps.sh --test`"

    /// Writes a PNG of the page in a `width` × `height` window (CSS pixels, scale 1).
    func screenshot(of page: String, to png: String, width: Int, height: Int) throws -> Run {
        try run(["--enable-logging=stderr", "--v=0", "--screenshot=\(png)", "--window-size=\(width),\(height)",
                 URL(fileURLWithPath: page).absoluteString])
    }

    /// The page's DOM after load (scripts run), in a `width` × `height` window.
    func dumpDOM(of page: String, width: Int, height: Int) throws -> Run {
        try run(["--dump-dom", "--window-size=\(width),\(height)", URL(fileURLWithPath: page).absoluteString])
    }

    private func run(_ arguments: [String], limit: Int = 90) throws -> Run {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("out"), errURL = folder.appendingPathComponent("err")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let process = Process()
        // coreutils' timeout ends a hung browser (and, with --kill-after, one that ignores SIGTERM).
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["--kill-after=5", "\(limit)", binary, "--headless", "--no-sandbox", "--disable-gpu",
                             "--hide-scrollbars", "--no-first-run", "--disable-extensions", "--mute-audio",
                             "--user-data-dir=\(folder.appendingPathComponent("profile").path)"] + arguments
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        let start = Date()
        try process.run()
        process.waitUntilExit()
        return Run(status: process.terminationStatus,
                   stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                   stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
                   seconds: Date().timeIntervalSince(start))
    }
}
