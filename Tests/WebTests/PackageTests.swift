import Foundation
import Testing

/// The Debian package, built by packaging/build-deb.sh from the binaries this test run built: its file
/// list and maintainer scripts, lintian, and a real dpkg install → upgrade → remove → purge in a throwaway
/// overlay of this machine (Tests/Fixtures/deb/install-in-overlay.sh, inside `unshare -m`).
@Suite struct PackageTests {
    static let repo = DaemonTests.repo

    @Test func debianPackageBuildsPassesLintianAndInstallsUpgradesRemovesAndPurges() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("deb-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let script = Self.repo.appendingPathComponent("packaging/build-deb.sh")
        var debs: [String] = []
        for version in ["0.2.0", "0.2.1"] {
            // Fast compression: the debug binaries are large, and the archive format is what is under test.
            let built = try await Command.run(URL(fileURLWithPath: "/usr/bin/env"), ["DEB_COMPRESSION=gzip -z1", script.path, Daemon.bin.path, out.path, version])
            try #require(built.status == 0, "\(built)")
            debs.append(built.out.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let deb = debs[0]

        let contents = try await Command.run(URL(fileURLWithPath: "/usr/bin/dpkg-deb"), ["-c", deb]).out
        for path in ["./usr/bin/counterd", "./usr/bin/counterctl", "./lib/systemd/system/counterd.service",
                     "./lib/udev/rules.d/62-counterd.rules", "./usr/lib/sysusers.d/counterd.conf", "./usr/lib/tmpfiles.d/counterd.conf",
                     "./usr/share/counterd/profiles/modbus-rtu-evaluator.toml", "./usr/share/counterd/platforms/offline-report-json.toml", "./usr/share/doc/counterd/counterd.toml.example",
                     "./usr/share/doc/counterd/copyright", "./usr/share/doc/counterd/changelog.gz",
                     "./usr/share/bash-completion/completions/counterctl", "./usr/share/counterd/voice/请.wav",
                     "./usr/share/counterd/profiles/display-strip-gbk.toml", "./usr/share/man/man1/counterd.1.gz",
                     "./usr/share/man/man1/counterctl.1.gz", "./usr/bin/counterd-district", "./lib/systemd/system/counterd-district.service",
                     "./usr/share/man/man1/counterd-district.1.gz", "./usr/share/doc/counterd/district.toml.example"] {
            #expect(contents.contains(" \(path)\n"), "the package lacks \(path)")
        }
        #expect(!contents.contains("./etc/counterd/counterd.toml"), "the package must not ship a config with demo tokens")
        let owners = Set(contents.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true)[1] })
        #expect(owners == ["root/root"], "files not owned by root: \(owners)")

        let control = out.appendingPathComponent("control")
        #expect(try await Command.run(URL(fileURLWithPath: "/usr/bin/dpkg-deb"), ["-e", deb, control.path]).status == 0)
        let fields = try String(contentsOf: control.appendingPathComponent("control"), encoding: .utf8)
        #expect(fields.contains("Depends: ") && fields.contains("libsqlite3-0") && fields.contains("libudev1") && fields.contains("systemd")
                && fields.contains("fonts-noto-cjk"))
        let postinst = try String(contentsOf: control.appendingPathComponent("postinst"), encoding: .utf8)
        for needle in ["systemd-sysusers counterd.conf", "udevadm control --reload-rules", "udevadm trigger", "daemon-reload"] {
            #expect(postinst.contains(needle), "postinst does not run \(needle)")
        }
        let postrm = try String(contentsOf: control.appendingPathComponent("postrm"), encoding: .utf8)
        let purge = postrm.range(of: #"if \[ "\$1" = "purge" \]; then[\s\S]*?\nfi"#, options: .regularExpression).map { String(postrm[$0]) } ?? ""
        #expect(purge.contains("rm -rf /var/lib/counterd"), "the database is not removed on purge")
        #expect(postrm.components(separatedBy: "rm -rf /var/lib/counterd").count == 2, "the database is removed outside purge")

        // lintian: no errors. The one error tag allowed is the debug build's RUNPATH into the Swift toolchain;
        // `make deb` links the Swift runtime statically and has none (checked when it is built).
        let lint = try await Command.run(URL(fileURLWithPath: "/usr/bin/lintian"), ["--tag-display-limit", "0", deb])
        let errors = lint.out.split(separator: "\n").filter { $0.hasPrefix("E: ") && !$0.contains("custom-library-search-path") }
        #expect(errors.isEmpty, "lintian errors:\n\(errors.joined(separator: "\n"))")
        let warnings = lint.out.split(separator: "\n").filter { $0.hasPrefix("W: ") }
        #expect(warnings.isEmpty, "lintian warnings:\n\(warnings.joined(separator: "\n"))")

        let install = try await Command.run(URL(fileURLWithPath: "/usr/bin/unshare"), [
            "-m", "--propagation", "private", Self.repo.appendingPathComponent("Tests/Fixtures/deb/install-in-overlay.sh").path,
            debs[0], debs[1]])
        #expect(install.status == 0, "\(install.out)\n\(install.err)")
        for line in ["version 0.2.0 install ok installed", "counterd:/var/lib/counterd:/usr/sbin/nologin", "statedir counterd:counterd 750",
                     "unit installed", "udev rules installed", "version 0.2.1 install ok installed", "database kept across upgrade",
                     "binary removed", "database kept after remove", "config kept after remove", "database removed by purge",
                     "config removed by purge", "package gone", "== done"] {
            #expect(install.out.contains(line + "\n"), "install run lacks \"\(line)\":\n\(install.out)\n\(install.err)")
        }
        #expect(install.out.contains(": ok — "), "the installed counterctl did not pass the installed example config")
    }
}
