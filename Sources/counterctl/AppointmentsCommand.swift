import ArgumentParser
import Foundation
import HallConfig
import HallModel
import HallRuntime
import Kiosk
import Store

/// `counterctl appointments import FILE.csv | list`: the booking system's appointments (预约), into the
/// citizens file beside the database (names and numbers masked before they are stored).
struct AppointmentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "appointments", abstract: "Appointments (预约取号) from the booking system.",
        subcommands: [Import.self, List.self])

    static func open(_ location: Location) throws -> (CitizenStore, CounterdConfig) {
        let cfg = try location.loadConfig()
        let path = CitizenStore.path(besideDatabase: location.database ?? cfg.database.path)
        do {
            let store = try CitizenStore(path: path)
            // As root, the file goes to the database's owner so counterd (its own user) can write check-ins.
            if getuid() == 0, let attrs = try? FileManager.default.attributesOfItem(atPath: location.database ?? cfg.database.path),
               let uid = (attrs[.ownerAccountID] as? NSNumber)?.uint32Value, let gid = (attrs[.groupOwnerAccountID] as? NSNumber)?.uint32Value {
                for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) { _ = chown(file, uid, gid) }
            }
            return (store, cfg)
        } catch {
            FileHandle.standardError.write(Data("cannot open the citizens file \(path): \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import appointments from a CSV file (UTF-8, a header row).",
            discussion: "Columns: \(AppointmentInput.csvColumns.joined(separator: ",")). A code already imported is updated unless it has checked in. Rows with errors are listed with their line and left out; the others are imported.")
        @Argument(help: "The CSV file, or - for standard input.") var file: String
        @OptionGroup var location: Location

        func run() async throws {
            let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : (FileManager.default.contents(atPath: file) ?? Data())
            guard var text = String(data: data, encoding: .utf8) else { throw ValidationError("\(file) is not UTF-8 text (save the CSV as UTF-8)") }
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            let rows = CSVRows.parse(text)
            guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else { throw ValidationError("\(file) is empty") }
            let index = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            let missing = AppointmentInput.csvColumns.filter { index[$0] == nil }
            guard missing.isEmpty else { throw ValidationError("the header lacks \(missing.joined(separator: ", ")); it needs \(AppointmentInput.csvColumns.joined(separator: ","))") }
            let (store, cfg) = try AppointmentsCommand.open(location)
            var counts = [String: Int]()
            var bad = 0
            for (n, row) in rows.dropFirst().enumerated() where !(row.count == 1 && row[0].isEmpty) {
                func f(_ k: String) -> String { let i = index[k]!; return i < row.count ? row[i].trimmingCharacters(in: .whitespaces) : "" }
                let input = AppointmentInput(code: f("code"), day: f("day"), slotStart: f("slot_start"), slotEnd: f("slot_end"),
                                             category: f("category"), name: f("name"), phone: f("phone"))
                switch AppointmentIntake.check(input, setup: cfg.setup, bookedAt: Date()) {
                case .failure(let p):
                    bad += 1
                    FileHandle.standardError.write(Data("line \(n + 2): \(p.field): \(p.en)\n".utf8))
                case .success(let record):
                    switch try store.book(record) {
                    case .added: counts["added", default: 0] += 1
                    case .updated: counts["updated", default: 0] += 1
                    case .unchanged: counts["unchanged", default: 0] += 1
                    case .alreadyArrived: counts["already checked in", default: 0] += 1
                    }
                }
            }
            print(["added", "updated", "unchanged", "already checked in"].map { "\($0) \(counts[$0, default: 0])" }.joined(separator: ", ")
                  + (bad > 0 ? ", refused \(bad)" : ""))
            if bad > 0 { throw ExitCode(65) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the appointments of a day range (masked as stored).")
        @OptionGroup var range: DayRange
        @OptionGroup var location: Location

        func run() async throws {
            let (store, cfg) = try AppointmentsCommand.open(location)
            let from = range.from ?? BusinessCalendar(identifier: cfg.setup.rules.timeZone).day(of: Date())
            let to = range.to ?? from
            for a in try store.appointments(from: from, to: to) {
                print([a.day, "\(a.slotStart)-\(a.slotEnd)", a.code, a.category, a.name, a.phone,
                       a.ticket.map { "arrived \($0)\(a.late ? " (late)" : "")" } ?? "not arrived"].joined(separator: "\t"))
            }
        }
    }
}

/// RFC 4180 CSV: quoted fields with doubled quotes, CR LF or LF rows.
enum CSVRows {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else { field.append(c) }
                continue
            }
            switch c {
            case "\"": quoted = true
            case ",": row.append(field); field = ""
            case "\r\n", "\n", "\r":
                row.append(field); field = ""
                rows.append(row); row = []
            default: field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
