import Exports
import Foundation
import HallModel
import Logging
import ServiceLifecycle
import Store

/// The monthly 考核 workbook as one function for every place that makes it: the dashboard's link,
/// `counterctl export report` and the monthly file.
public enum AssessmentBook {
    /// `revealPhones`: the 差评 sheet carries the callback phones in full (a person allowed to see them asked,
    /// and is recorded); otherwise masked.
    public static func make(reports: Reports, store: EventStore, indicators: RatingIndicators, from: String, to: String,
                            today: String, madeAt: String, revealPhones: Bool = false) throws -> Workbook {
        let setup = reports.setup
        // 环比: the period before, when it is a period reports may ask about.
        let previous = try PreviousPeriod.of(from: from, to: to).flatMap { p -> (from: String, to: String, total: ReportRow)? in
            guard (try? reports.validate(from: p.from, to: p.to)) != nil else { return nil }
            return (p.from, p.to, try reports.total(.window, from: p.from, to: p.to, today: today))
        }
        return try Workbook.assessment(hall: setup.name, from: from, to: to, madeAt: madeAt,
                                       rows: { (try reports.rows($0, from: from, to: to, today: today), try reports.total($0, from: from, to: to, today: today)) },
                                       cases: .cases(try store.cases(fromDay: from, toDay: to), setup: setup, today: today, indicators: indicators,
                                                     revealPhones: revealPhones),
                                       reasons: .reasons(try reports.reasonRows(.window, from: from, to: to, indicators: indicators), scope: .window),
                                       previous: previous)
    }
}

/// `[exports] monthly_dir`: last month's 考核 workbook written to that directory once the month is over
/// (`考核-2026-11.xlsx`) — on the 1st, or at the first start after it if counterd was down then. A file
/// that is there already is left alone. Checked at start and every hour.
public struct MonthlyWorkbookService: Service {
    let directory: String
    let hall: Hall
    let indicators: RatingIndicators
    let logger: Logger

    public init(directory: String, hall: Hall, indicators: RatingIndicators, logger: Logger) {
        self.directory = directory
        self.hall = hall
        self.indicators = indicators
        self.logger = logger
    }

    public func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await writeIfDue()
                try? await Task.sleep(for: .seconds(3600))
            }
        }
    }

    /// Writes the month before the hall's current one if its file is missing; returns the path written.
    @discardableResult
    public func writeIfDue() async -> String? {
        let (setup, now) = await (hall.setup, hall.now)
        let calendar = await hall.engine.calendar
        let today = calendar.day(of: now)
        guard let month = Self.previousMonth(of: today) else { return nil }
        let path = (directory as NSString).appendingPathComponent("考核-\(month.name).xlsx")
        if FileManager.default.fileExists(atPath: path) { return nil }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let book = try AssessmentBook.make(reports: Reports(store: hall.store, setup: setup), store: hall.store, indicators: indicators,
                                               from: month.from, to: month.to, today: today, madeAt: WorkbookTime.now(setup.rules.timeZone, at: now))
            let part = path + ".part"
            try Data(book.xlsx()).write(to: URL(fileURLWithPath: part))
            guard rename(part, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
            logger.notice("monthly 考核 workbook written", metadata: ["file": "\(path)", "month": "\(month.name)"])
            return path
        } catch {
            logger.error("cannot write the monthly 考核 workbook: check [exports] monthly_dir exists and is writable by counterd",
                         metadata: ["file": "\(path)", "error": "\(error)"])
            return nil
        }
    }

    /// "2026-12-01" → ("2026-11", "2026-11-01", "2026-11-30").
    static func previousMonth(of day: String) -> (name: String, from: String, to: String)? {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        let (y, m) = parts[1] == 1 ? (parts[0] - 1, 12) : (parts[0], parts[1] - 1)
        let days = [31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        let name = String(format: "%04d-%02d", y, m)
        return (name, "\(name)-01", "\(name)-\(days)")
    }
}
