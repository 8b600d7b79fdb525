import CFuzz
import FuzzTargets
import Foundation

// Built two ways. `make fuzz` compiles with `-sanitize=fuzzer,address -D FUZZING`: the program's main (which
// SwiftPM names counterd_fuzz_main) hands over to libFuzzer's driver, which calls `fuzzOne` with each input;
// COUNTERD_FUZZ_TARGET names the target. A plain build
// makes a replayer instead: `counterd-fuzz TARGET FILE|DIR…` runs the target on each file (a crash libFuzzer
// saved, or the seed corpus) in a debugger-friendly build.

#if FUZZING
nonisolated(unsafe) private var selected: FuzzTarget?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if selected == nil {
        let name = ProcessInfo.processInfo.environment["COUNTERD_FUZZ_TARGET"] ?? ""
        guard let t = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("COUNTERD_FUZZ_TARGET must be one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
            exit(2)
        }
        selected = t
    }
    let broken = selected!.run(Array(UnsafeBufferPointer(start: data, count: size)))
    if !broken.isEmpty {
        FileHandle.standardError.write(Data("property broken: \(broken.joined(separator: "; "))\n".utf8))
        abort()
    }
    return 0
}

@_cdecl("counterd_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var values = argv
    return LLVMFuzzerRunDriver(&count, &values) { data, size in
        guard let data else { return 0 }
        return fuzzOne(data, size)
    }
}
#else
@main
struct Replay {
    static func main() {
        let args = Array(CommandLine.arguments.dropFirst())
        guard let name = args.first, let target = FuzzTarget(rawValue: name), args.count >= 2 else {
            print("usage: counterd-fuzz TARGET FILE|DIR…  (targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: " ")))")
            exit(64)
        }
        var files: [String] = []
        for path in args.dropFirst() {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                print("no such file: \(path)")
                exit(66)
            }
            if isDir.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.sorted().map { path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        var failed = 0
        for f in files {
            guard let data = FileManager.default.contents(atPath: f) else { continue }
            let broken = target.run(Array(data))
            if !broken.isEmpty {
                failed += 1
                print("\(f): \(broken.joined(separator: "; "))")
            }
        }
        print("\(target.rawValue): \(files.count) inputs, \(failed) broke a property")
        exit(failed == 0 ? 0 : 1)
    }
}
#endif
