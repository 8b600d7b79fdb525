/// `# HELP` lines for the Prometheus text: swift-metrics has no place for a help text (and swift-prometheus
/// stops the process when two registrations of one name differ in it), so /metrics adds them here, before
/// each metric's `# TYPE` line.
public enum MetricsHelp {
    public static let texts: [String: String] = [
        "counterd_alert_webhook_deliveries_total": "Supervision alerts delivered to the webhook.",
        "counterd_alert_webhook_failures_total": "Supervision alerts the webhook did not take after every attempt.",
        "counterd_alert_webhook_retries_total": "Webhook attempts that are retried.",
        "counterd_alerts_active": "Supervision (电子监察) conditions holding now, by kind.",
        "counterd_alerts_total": "Supervision conditions raised, by kind.",
        "counterd_commands_rejected_total": "Hall commands the engine refused, by command and reason.",
        "counterd_commit_batch_events": "Events per SQLite commit (group commit).",
        "counterd_commit_failures_total": "Commits that failed; their commands were answered with an error.",
        "counterd_commit_seconds": "Time of one SQLite commit, fsync included.",
        "counterd_device_dropped_frames_total": "Frames from a device that did not decode, by device.",
        "counterd_device_errors_total": "Device transport errors, by device.",
        "counterd_device_up": "1 while a counter device is connected, by device.",
        "counterd_display_frames_total": "Frames sent to LED screens.",
        "counterd_display_screen_up": "1 while an LED screen answers, by screen.",
        "counterd_district_batches_total": "Log batches the district took (district service).",
        "counterd_district_events_shipped_total": "Events shipped to the district.",
        "counterd_district_events_unprojected_total": "District events of kinds the projections do not know.",
        "counterd_district_hall_lag_events": "Events a hall has that the district has not, by hall.",
        "counterd_district_hall_lag_seconds": "Age of the oldest event the district lacks, by hall.",
        "counterd_district_halls_silent": "Halls not heard from within the alert time.",
        "counterd_district_lag_events": "Events this hall has not yet shipped to the district.",
        "counterd_district_ship_failures_total": "Failed shipments to the district, by reason.",
        "counterd_evaluator_duplicate_presses_total": "Evaluator presses repeated by the device and dropped.",
        "counterd_evaluator_presses_total": "Evaluator key presses read.",
        "counterd_reminders_checked_seq": "The last hall event the turn-near reminders (叫号提醒) were checked against.",
        "counterd_reminders_total": "Turn-near reminders (叫号提醒), by result: registered, due, sent, failed, not_needed.",
        "counterd_event_stream_cutoffs_total": "Event-stream clients cut off for reading too slowly.",
        "counterd_kiosk_reprints_total": "Tickets reprinted at the kiosk by staff.",
        "counterd_login_failures_total": "Failed sign-ins, by reason (wrong_password, throttled).",
        "counterd_modbus_errors_total": "Modbus RTU exceptions and bad frames, by line.",
        "counterd_modbus_retries_total": "Modbus requests retried.",
        "counterd_modbus_stray_bytes_total": "Bytes on a Modbus line that belong to no frame.",
        "counterd_pin_failures_total": "Wrong clerk sign-in PINs.",
        "counterd_platform_oldest_pending_seconds": "Age of the oldest record waiting for the 好差评 platform.",
        "counterd_platform_outbox_pending": "Records waiting to be pushed to the 好差评 platform.",
        "counterd_platform_outbox_rejected": "Records the platform refused for good.",
        "counterd_platform_push_seconds": "Time of one push to the platform.",
        "counterd_platform_records_total": "Records pushed to the platform, by result.",
        "counterd_platform_retries_total": "Platform pushes retried.",
        "counterd_printer_jobs_total": "Receipt printer jobs, by result.",
        "counterd_printer_ready": "1 while a receipt printer can print, by printer.",
        "counterd_queue_length": "Tickets waiting, by category.",
        "counterd_queue_longest_wait_seconds": "Longest current wait, by category.",
        "counterd_rating_presses_ignored_total": "Rating presses not stored (nothing awaited, duplicate, no clerk).",
        "counterd_ratings_not_given_total": "Services whose rating wait ended without one, by reason.",
        "counterd_ratings_total": "Ratings stored, by level.",
        "counterd_tickets_issued_total": "Tickets issued.",
        "counterd_tickets_no_show_total": "Tickets marked no-show.",
        "counterd_tickets_served_total": "Services finished.",
        "counterd_tickets_voided_total": "Reserved numbers voided (never printed).",
        "counterd_voice_announcements_total": "Voice calls played, by result.",
        "counterd_windows_open": "Windows with a clerk signed in.",
    ]

    /// The exposition text with a `# HELP` line before each `# TYPE` line that has none.
    public static func annotate(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 4096)
        var previous = Substring("")
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE "), !previous.hasPrefix("# HELP ") {
                let name = line.dropFirst(7).split(separator: " ").first.map(String.init) ?? ""
                out += "# HELP \(name) \(texts[name] ?? "counterd metric \(name).")\n"
            }
            out += line
            out += "\n"
            previous = line
        }
        if out.hasSuffix("\n"), !text.hasSuffix("\n") { out.removeLast() }
        return out
    }
}
