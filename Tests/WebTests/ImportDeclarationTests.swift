import Foundation
import Testing

/// Every module a target's sources import is one it declares in Package.swift: a target of this package named in
/// its dependencies, a product of a package it names, or the system's. SwiftPM builds an undeclared import when
/// another target happens to pull the module in, so the layering ARCHITECTURE.md states would rot unseen.
@Suite struct ImportDeclarationTests {
    /// Modules that come with the toolchain or the OS.
    static let system: Set<String> = ["Foundation", "FoundationEssentials", "FoundationNetworking", "Dispatch", "Glibc", "Musl", "Darwin",
                                      "Synchronization", "Testing", "XCTest", "_Concurrency", "CoreFoundation", "os"]

    /// Package.swift's targets as `swift package dump-package` gives them.
    static func targets() async throws -> [[String: Any]] {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dump-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Its own scratch path: the running `swift test` holds the package's .build lock.
        let dumped = try await Command.run(URL(fileURLWithPath: "/usr/bin/env"),
                                           ["swift", "package", "--scratch-path", scratch.path, "dump-package"], in: DaemonTests.repo)
        try #require(dumped.status == 0, "\(dumped.err)")
        let package = try #require(try JSONSerialization.jsonObject(with: Data(dumped.out.utf8)) as? [String: Any])
        return package["targets"] as? [[String: Any]] ?? []
    }

    /// The names a target depends on: targets by name, products by product name.
    static func dependencies(_ target: [String: Any]) -> [String] {
        (target["dependencies"] as? [[String: Any]] ?? []).flatMap { dep in
            dep.values.compactMap { ($0 as? [Any])?.first as? String }
        }
    }

    /// The district keeps every hall's log in PostgreSQL and shares only the pure log format with the hall:
    /// nothing it links opens SQLite.
    @Test func theDistrictLinksNoSQLite() async throws {
        let targets = try await Self.targets()
        let byName = Dictionary(uniqueKeysWithValues: targets.compactMap { t in (t["name"] as? String).map { ($0, t) } })
        var seen: Set<String> = []
        var queue = ["counterd-district"]
        while let next = queue.popLast() {
            guard seen.insert(next).inserted, let t = byName[next] else { continue }
            queue += Self.dependencies(t)
        }
        #expect(seen.contains("District") && seen.contains("LogFormat"), "\(seen.sorted())")
        #expect(!seen.contains("Store") && !seen.contains("GRDB"), "counterd-district reaches \(seen.sorted())")
    }

    @Test func everyImportIsDeclared() async throws {
        let targets = try await Self.targets()
        let ownTargets = Set(targets.compactMap { $0["name"] as? String })
        var undeclared: [String] = []
        for target in targets {
            guard let name = target["name"] as? String, target["type"] as? String != "system" else { continue }
            let allowed = Set([name] + Self.dependencies(target))
            let path = (target["path"] as? String) ?? ((target["type"] as? String == "test" ? "Tests/" : "Sources/") + name)
            let folder = DaemonTests.repo.appendingPathComponent(path)
            guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { continue }
            for case let file as URL in files where file.pathExtension == "swift" {
                let text = try String(contentsOf: file, encoding: .utf8)
                // A Swift import starts its line and names one capitalised module; Python inside a test's string does not.
                for line in text.split(separator: "\n") where !line.hasPrefix(" ") {
                    let words = line.split(separator: " ")
                    guard let i = words.firstIndex(of: "import"), i + 2 == words.count,
                          words[..<i].allSatisfy({ $0.hasPrefix("@") || $0 == "public" || $0 == "internal" }),
                          let initial = words[i + 1].first, initial.isUppercase || initial == "_"
                    else { continue }
                    let module = String(words[i + 1].split(separator: ".")[0])
                    if Self.system.contains(module) || allowed.contains(module) { continue }
                    // A target of this package must be named; an outside module must come from a declared product.
                    let what = ownTargets.contains(module) ? "target" : "module"
                    undeclared.append("\(path)/\(file.lastPathComponent): imports \(what) \(module), not among \(name)'s dependencies")
                }
            }
        }
        #expect(undeclared.isEmpty, "\n\(undeclared.sorted().joined(separator: "\n"))")
    }
}
