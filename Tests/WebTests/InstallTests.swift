import Foundation
import Testing

/// `make install` into a throwaway root, PREFIX-aware, with the binaries this test run built.
@Suite struct InstallTests {
    @Test func installsEveryPieceInItsFHSPlace() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("install-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let repo = DaemonTests.repo
        let made = try await Command.run(URL(fileURLWithPath: "/usr/bin/env"),
                                         ["make", "--no-print-directory", "-C", repo.path, "install", "BINDIR=\(Daemon.bin.path)",
                                          "DESTDIR=\(root.path)", "PREFIX=/usr/local"])
        let (status, output) = (made.status, made.out + made.err)
        #expect(status == 0, "\(output)")
        let files = Set((FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? []))
        for f in ["usr/local/bin/counterd", "usr/local/bin/counterctl", "usr/local/lib/systemd/system/counterd.service",
                  "usr/local/lib/sysusers.d/counterd.conf", "usr/local/lib/tmpfiles.d/counterd.conf",
                  "usr/local/lib/udev/rules.d/62-counterd.rules", "usr/local/share/counterd/profiles/modbus-rtu-evaluator.toml", "usr/local/share/counterd/platforms/gbt39046.toml",
                  "usr/local/share/doc/counterd/counterd.toml.example", "usr/local/share/bash-completion/completions/counterctl",
                  "usr/local/share/zsh/vendor-completions/_counterctl", "usr/local/share/man/man1/counterctl.1.gz",
                  "usr/local/share/man/man1/counterd.1.gz", "etc/counterd", "usr/local/bin/counterd-district",
                  "usr/local/lib/systemd/system/counterd-district.service", "usr/local/share/man/man1/counterd-district.1.gz",
                  "usr/local/share/doc/counterd/district.toml.example"] {
            #expect(files.contains(f), "missing \(f)")
        }
        let unit = try String(contentsOf: root.appendingPathComponent("usr/local/lib/systemd/system/counterd.service"), encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/counterd --config /etc/counterd/counterd.toml --runtime-dir /run/counterd --profiles /usr/local/share/counterd/profiles --platforms /usr/local/share/counterd/platforms"))
        // The installed tool checks the installed example against the installed profiles.
        let check = try await Command.run(root.appendingPathComponent("usr/local/bin/counterctl"), [
            "config", "check", root.appendingPathComponent("usr/local/share/doc/counterd/counterd.toml.example").path,
            "--profiles", root.appendingPathComponent("usr/local/share/counterd/profiles").path,
            "--platforms", root.appendingPathComponent("usr/local/share/counterd/platforms").path]).status
        #expect(check == 0)
        let completion = try String(contentsOf: root.appendingPathComponent("usr/local/share/bash-completion/completions/counterctl"), encoding: .utf8)
        #expect(completion.contains("udev-rules") && completion.contains("report"))
    }
}
