import Access
import ArgumentParser
import Foundation
import HallConfig

/// `counterctl clerk pin ID`: makes the config line of a clerk's sign-in PIN.
struct ClerkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clerk", abstract: "Clerks' sign-in PINs.", subcommands: [PIN.self])

    struct PIN: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pin",
            abstract: "Hash a clerk's sign-in PIN (4–8 digits) for the config.",
            discussion: """
                Reads the PIN from standard input (asked twice on a terminal, without echo), checks that the clerk \
                is in the config, and prints the line to add to that clerk's [[clerks]] entry; then reload counterd \
                (systemctl reload counterd). The PIN itself is stored nowhere: only a slow salted hash (PBKDF2-SHA256).
                """)

        @Argument(help: "The clerk's id in the config.") var id: String
        @Option(name: .shortAndLong, help: "Config file.") var config: String = CounterdConfig.defaultPath

        func run() async throws {
            let cfg: CounterdConfig
            do { cfg = try CounterdConfig.load(path: config) } catch {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode(78)
            }
            guard let clerk = cfg.setup.clerks.first(where: { $0.id == id }) else {
                let known = cfg.setup.clerks.map(\.id).joined(separator: ", ")
                throw ValidationError("no clerk \"\(id)\" in \(config) (clerks: \(known.isEmpty ? "none" : known))")
            }
            let pin = try Self.readPIN(prompt: "PIN for \(clerk.name) (\(clerk.id)): ")
            guard ClerkPIN.isWellFormed(pin) else { throw ValidationError("a PIN is 4 to 8 digits") }
            if isatty(0) == 1 {
                guard try Self.readPIN(prompt: "again: ") == pin else { throw ValidationError("the two PINs differ; nothing was made") }
            }
            print("# in the [[clerks]] entry with id = \"\(clerk.id)\" (\(clerk.name)), then: systemctl reload counterd")
            print("pin_hash = \"\(ClerkPIN.hash(pin))\"")
        }

        static func readPIN(prompt: String) throws -> String {
            guard isatty(0) == 1 else { return readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces) ?? "" }
            guard let p = getpass(prompt) else { throw ValidationError("cannot read the PIN") }
            return String(cString: p)
        }
    }
}
