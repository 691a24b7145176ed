import Foundation

/// The .deb that `make deb` built (.build/deb/ballast_<version>_amd64.deb, or BALLAST_DEB),
/// read with dpkg-deb: its control fields, its file list, and the libraries its binary
/// needs with the Debian package that provides each on this machine.
struct DebianPackageFile: Sendable {
    let path: String

    /// The newest ballast_*_amd64.deb in .build/deb; an error saying how to build one.
    static func locate() throws -> DebianPackageFile {
        if let path = HarnessPaths.environment["BALLAST_DEB"] { return DebianPackageFile(path: path) }
        let directory = HarnessPaths.repositoryRoot.appendingPathComponent(".build/deb")
        let candidates = ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.contentModificationDateKey])) ?? [])
            .filter { $0.lastPathComponent.hasPrefix("ballast_") && $0.lastPathComponent.hasSuffix("_amd64.deb") }
        let newest = candidates.max { first, second in
            let date = { (url: URL) in (try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantPast }
            return date(first) < date(second)
        }
        guard let newest else {
            throw HarnessError.unexpectedOutput(command: "find the package",
                                                detail: "no ballast_*_amd64.deb in \(directory.path): run `make deb` (make test does)")
        }
        return DebianPackageFile(path: newest.path)
    }

    func field(_ name: String) async throws -> String {
        try await Shell.run("dpkg-deb", ["--field", path, name]).check().stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The package names `Depends:` allows (alternatives included, versions dropped).
    func dependencyNames() async throws -> Set<String> {
        let depends = try await field("Depends")
        return Set(depends.split(whereSeparator: { $0 == "," || $0 == "|" }).compactMap { clause in
            clause.split(separator: " ").first.map(String.init)
        })
    }

    /// Paths the package installs that are not directories (`dpkg-deb --contents`), absolute.
    func installedFiles() async throws -> [String] {
        let listing = try await Shell.run("dpkg-deb", ["--contents", path]).check().stdout
        return listing.split(whereSeparator: \.isNewline).compactMap { line -> String? in
            guard !line.hasPrefix("d"), let name = line.split(separator: " ").last else { return nil }
            return String(name.drop { $0 == "." })
        }
    }

    /// Unpacks the package into a fresh directory and returns it.
    func extract(into directory: String) async throws -> String {
        try? FileManager.default.removeItem(atPath: directory)
        try await Shell.run("dpkg-deb", ["--extract", path, directory]).check()
        return directory
    }
}

/// What an ELF binary needs from shared libraries, and which installed Debian package
/// provides each library on this machine.
enum SharedLibraries {
    /// The binary's DT_NEEDED entries, e.g. ["libvirt.so.0", "libc.so.6"].
    static func needed(by binary: String) async throws -> [String] {
        let dynamic = try await Shell.run("readelf", ["--dynamic", binary]).check().stdout
        return dynamic.split(whereSeparator: \.isNewline).compactMap { line -> String? in
            guard line.contains("(NEEDED)"), let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else {
                return nil
            }
            return String(line[line.index(after: open)..<close])
        }
    }

    /// The package owning `library` as the dynamic loader finds it (`ldconfig -p`), asked of
    /// dpkg under the paths a merged /usr gives it.
    static func owningPackage(of library: String) async throws -> String {
        let cache = try await Shell.run("ldconfig", ["-p"]).check().stdout
        let paths = cache.split(whereSeparator: \.isNewline).compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix(library + " "), trimmed.contains("x86-64"),
                  let arrow = trimmed.range(of: "=> ") else { return nil }
            return String(trimmed[arrow.upperBound...])
        }
        guard let found = paths.first else {
            throw HarnessError.unexpectedOutput(command: "ldconfig -p", detail: "\(library) is not in the loader's cache")
        }
        let resolved = URL(fileURLWithPath: found).resolvingSymlinksInPath().path
        var candidates = [found, resolved]
        for path in [found, resolved] {
            candidates.append(path.hasPrefix("/usr/") ? String(path.dropFirst(4)) : "/usr" + path)
        }
        for candidate in candidates {
            let owner = try await Shell.run("dpkg-query", ["--search", candidate])
            if owner.succeeded, let line = owner.stdout.split(whereSeparator: \.isNewline).first,
               let colon = line.firstIndex(of: ":") {
                return String(line[..<colon])
            }
        }
        throw HarnessError.unexpectedOutput(command: "dpkg-query --search",
                                            detail: "no installed package owns \(library) (tried \(candidates.joined(separator: ", ")))")
    }
}
