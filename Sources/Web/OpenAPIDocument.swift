/// The OpenAPI 3.1 description of the API, served at /openapi.yaml. Kept in the binary so an
/// installed counterd needs no resource files. A test checks it against the router and a validator.
enum OpenAPIDocument {
    static let yaml = #"""
openapi: 3.1.0
info:
  title: counterd API
  version: "1.0"
  description: |
    Queue, window and rating API of a service hall (政务服务大厅).
    Every request needs `Authorization: Bearer TOKEN` (EventSource clients may pass `?token=`).
    Roles: kiosk (take tickets), window (one window's actions), display (read), manager (reports).
    Every token may read the hall state and the event stream.
    Errors are JSON: {"error": {"code", "message_zh", "message_en"}}.
servers:
  - url: http://127.0.0.1:8080
security:
  - bearer: []
paths:
  /api/state:
    get:
      operationId: getState
      summary: Queues, windows and who is on duty
      responses:
        "200":
          description: The live hall state
          content:
            application/json:
              schema: {$ref: "#/components/schemas/HallState"}
        "401": {$ref: "#/components/responses/Error"}
  /api/devices:
    get:
      operationId: getDevices
      summary: Health of every configured device (state, since, last byte, errors, dropped frames)
      responses:
        "200":
          description: Device health
          content:
            application/json:
              schema:
                type: object
                properties:
                  devices: {type: array, items: {$ref: "#/components/schemas/DeviceHealth"}}
        "401": {$ref: "#/components/responses/Error"}
  /api/events:
    get:
      operationId: streamEvents
      summary: Server-sent events of every committed hall event
      description: |
        Each message has `id:` (the event's sequence number), `event:` (its kind) and `data:` (the event as JSON).
        Reconnect with `Last-Event-ID` or `?after=SEQ` to receive what was missed first.
      parameters:
        - {name: after, in: query, required: false, schema: {type: integer, minimum: 0}}
        - {name: Last-Event-ID, in: header, required: false, schema: {type: string}}
      responses:
        "200":
          description: An endless text/event-stream
          content:
            text/event-stream:
              schema: {type: string}
        "401": {$ref: "#/components/responses/Error"}
  /api/tickets:
    post:
      operationId: takeTicket
      summary: Take a ticket (kiosk role)
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [category]
              properties:
                category: {type: string}
                priority: {type: boolean, description: green channel (绿色通道)}
      responses:
        "201":
          description: The issued ticket
          content:
            application/json:
              schema: {$ref: "#/components/schemas/IssuedTicket"}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "503": {$ref: "#/components/responses/Error"}
  /api/kiosk:
    get:
      operationId: kioskView
      summary: What the kiosk shows (kiosk role) — categories with waiting counts and estimated waits, the printer's state
      responses:
        "200":
          description: Categories and printer
          content:
            application/json:
              schema:
                type: object
                properties:
                  hall: {type: string}
                  now: {type: string, format: date-time}
                  reprint: {type: boolean, description: "staff reprint is on ([kiosk] staff_pin)"}
                  printer:
                    type: object
                    properties:
                      device: {type: string}
                      connected: {type: boolean}
                      ready: {type: boolean}
                      problem_zh: {type: string}
                      problem_en: {type: string}
                  categories:
                    type: array
                    items:
                      type: object
                      properties:
                        code: {type: string}
                        name: {type: string}
                        prefix: {type: string}
                        waiting: {type: integer}
                        windows_open: {type: integer}
                        estimated_wait_minutes: {type: integer, nullable: true}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
  /api/kiosk/tickets:
    post:
      operationId: kioskTicket
      summary: Take a ticket and print it (kiosk role). Issued only once the printer has confirmed it; the same request_id again returns the same ticket
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [category]
              properties:
                category: {type: string}
                priority: {type: boolean}
                request_id: {type: string, maxLength: 100, description: "one per tap; a retry with it never makes a second ticket"}
                print: {type: boolean, description: "false: issue without printing (kiosks printing with their own software)"}
      responses:
        "201": &kioskTicket
          description: The ticket, printed (or on screen only)
          content:
            application/json:
              schema: {$ref: "#/components/schemas/KioskTicket"}
        "200": *kioskTicket
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "503": {$ref: "#/components/responses/Error"}
  /api/kiosk/reprint:
    post:
      operationId: kioskReprint
      summary: Staff reprint the kiosk's last ticket (marked 补打; no new number)
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [pin]
              properties:
                pin: {type: string}
      responses:
        "200":
          description: The reprinted ticket
          content:
            application/json:
              schema: {$ref: "#/components/schemas/KioskTicket"}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "503": {$ref: "#/components/responses/Error"}
  /api/rate/{token}:
    parameters:
      - {name: token, in: path, required: true, schema: {type: string}, description: "the per-ticket token in the ticket's QR code"}
    get:
      operationId: ratingLink
      summary: The ticket a rating link names and whether it can be rated (no bearer token; the link is the credential)
      responses:
        "200":
          description: The ticket
          content:
            application/json:
              schema:
                type: object
                properties:
                  number: {type: string}
                  category_name: {type: string}
                  window: {type: integer}
                  window_name: {type: string}
                  state: {type: string, enum: [awaiting, rated, expired, not_served]}
                  rating_hours: {type: number}
        "404": {$ref: "#/components/responses/Error"}
    post:
      operationId: rateByLink
      summary: Rate the ticket once, within [hall] ticket_rating_hours of the end of its service
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [level]
              properties:
                level: {type: integer, minimum: 1, maximum: 5}
      responses:
        "201": {description: Rating stored}
        "400": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
        "410": {$ref: "#/components/responses/Error"}
  /api/windows/{window}/console:
    get:
      operationId: windowConsole
      summary: The clerk console's view of its window (window role) — current ticket and checklist, waiting, today's ratings
      parameters: [{$ref: "#/components/parameters/Window"}]
      responses:
        "200": {description: The window's console view}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
  /api/dashboard:
    get:
      operationId: dashboard
      summary: The managers' dashboard data for a range (manager role) — rankings per window, clerk and category, daily series, waiting-time histogram, served per hour, case counts
      parameters: [{$ref: "#/components/parameters/From"}, {$ref: "#/components/parameters/To"}]
      responses:
        "200": {description: Dashboard data}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
  /api/alerts:
    get:
      operationId: alerts
      summary: Supervision (电子监察) alerts active now (manager role); changes arrive on /api/events as alert_raised / alert_cleared
      responses:
        "200": {description: Active alerts}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
  /api/cases:
    get:
      operationId: cases
      summary: 差评 follow-up cases (manager role) — opened in the range (state=all), or every one not closed (open) or overdue
      parameters:
        - {$ref: "#/components/parameters/From"}
        - {$ref: "#/components/parameters/To"}
        - {name: state, in: query, schema: {type: string, enum: [all, open, overdue]}}
      responses:
        "200": {description: Cases}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
  /api/cases/{id}/contact:
    parameters: &caseId
      - {name: id, in: path, required: true, schema: {type: string}, description: "the rated ticket's id with '-' for '/': 2026-11-23-A012"}
    post:
      operationId: caseContact
      summary: 回访 — open → contacted
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [method, citizen_said]
              properties:
                at: {type: string, format: date-time}
                method: {type: string}
                citizen_said: {type: string}
      responses: &caseResponses
        "200": {description: The case after the step}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
  /api/cases/{id}/rectify:
    parameters: *caseId
    post:
      operationId: caseRectify
      summary: 整改 — contacted → rectified
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [note], properties: {note: {type: string}}}
      responses: *caseResponses
  /api/cases/{id}/close:
    parameters: *caseId
    post:
      operationId: caseClose
      summary: rectified → closed
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {note: {type: string}}}
      responses: *caseResponses
  /api/export/{file}:
    get:
      operationId: export
      summary: "A report or the case list as CSV (UTF-8 with BOM) or XLSX: windows|clerks|categories|cases . csv|xlsx (manager role)"
      parameters:
        - {name: file, in: path, required: true, schema: {type: string, example: windows.xlsx}}
        - {$ref: "#/components/parameters/From"}
        - {$ref: "#/components/parameters/To"}
      responses:
        "200": {description: The file}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
  /api/windows/{window}/sign-in:
    post:
      operationId: signIn
      summary: A clerk signs in at the window (replaces the clerk signed in there, AB角)
      parameters: [{$ref: "#/components/parameters/Window"}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [clerk]
              properties:
                clerk: {type: string}
      responses: &windowResponses
        "200": {$ref: "#/components/responses/WindowResult"}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
        "503": {$ref: "#/components/responses/Error"}
  /api/windows/{window}/sign-out:
    post:
      operationId: signOut
      parameters: [{$ref: "#/components/parameters/Window"}]
      responses: *windowResponses
  /api/windows/{window}/call-next:
    post:
      operationId: callNext
      summary: Call the next ticket (green channel, then the window's category priority, then age)
      parameters: [{$ref: "#/components/parameters/Window"}]
      responses: *windowResponses
  /api/windows/{window}/recall:
    post:
      operationId: recall
      summary: Call the current ticket again; past the recall limit it becomes a no-show
      parameters: [{$ref: "#/components/parameters/Window"}]
      responses: *windowResponses
  /api/windows/{window}/no-show:
    post:
      operationId: noShow
      parameters: [{$ref: "#/components/parameters/Window"}]
      responses: *windowResponses
  /api/windows/{window}/transfer:
    post:
      operationId: transfer
      summary: Send the current ticket back to the queue under another category and/or to one window
      parameters: [{$ref: "#/components/parameters/Window"}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                category: {type: string}
                window: {type: integer}
      responses: *windowResponses
  /api/windows/{window}/pause:
    post:
      operationId: pause
      parameters: [{$ref: "#/components/parameters/Window"}]
      responses: *windowResponses
  /api/windows/{window}/park:
    post:
      operationId: park
      summary: Hang (挂起) the ticket in service; the window can serve others meanwhile
      parameters: [{$ref: "#/components/parameters/Window"}]
      responses: *windowResponses
  /api/windows/{window}/call-back:
    post:
      operationId: callBack
      summary: Call the most recently parked ticket back into service
      parameters: [{$ref: "#/components/parameters/Window"}]
      responses: *windowResponses
  /api/windows/{window}/resume:
    post:
      operationId: resume
      parameters: [{$ref: "#/components/parameters/Window"}]
      responses: *windowResponses
  /api/windows/{window}/finish:
    post:
      operationId: finish
      summary: Finish the current ticket; the window then awaits its rating
      parameters: [{$ref: "#/components/parameters/Window"}]
      requestBody:
        required: false
        content:
          application/json:
            schema:
              type: object
              properties:
                outcome: {$ref: "#/components/schemas/Outcome"}
      responses: *windowResponses
  /api/windows/{window}/rating:
    post:
      operationId: rate
      summary: Submit a rating for the ticket the window is awaiting one for
      description: A press that is not stored (duplicate, nothing awaited, no clerk) is kept in the log for audit and answered 409.
      parameters: [{$ref: "#/components/parameters/Window"}]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [level]
              properties:
                level: {type: integer, minimum: 1, maximum: 5, description: "5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意"}
      responses:
        "201":
          description: The rating was stored
          content:
            application/json:
              schema:
                type: object
                properties:
                  accepted: {type: boolean}
                  ticket: {type: string}
                  level: {type: integer}
                  level_name: {type: string}
                  events: {type: array, items: {$ref: "#/components/schemas/Event"}}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "409": {$ref: "#/components/responses/Error"}
  /api/reports/{scope}:
    get:
      operationId: report
      summary: Per-window, per-clerk or per-category report over business days (manager role)
      parameters:
        - {name: scope, in: path, required: true, schema: {type: string, enum: [windows, clerks, categories]}}
        - {name: from, in: query, required: false, schema: {type: string, format: date}}
        - {name: to, in: query, required: false, schema: {type: string, format: date}}
      responses:
        "200":
          description: Report rows, ranked
          content:
            application/json:
              schema:
                type: object
                properties:
                  scope: {type: string}
                  from: {type: string}
                  to: {type: string}
                  rows: {type: array, items: {$ref: "#/components/schemas/ReportRow"}}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "403": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
  /openapi.yaml:
    get:
      operationId: openapi
      security: []
      responses:
        "200":
          description: This document
          content:
            application/yaml:
              schema: {type: string}
  /metrics:
    get:
      operationId: metrics
      security: []
      responses:
        "200":
          description: Prometheus text exposition
          content:
            text/plain:
              schema: {type: string}
  /healthz:
    get:
      operationId: health
      security: []
      responses:
        "200":
          description: The process answers
          content:
            application/json:
              schema: {type: object}
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
  parameters:
    Window:
      name: window
      in: path
      required: true
      schema: {type: integer, minimum: 1}
    From:
      name: from
      in: query
      required: false
      schema: {type: string, format: date}
      description: first business day (yyyy-MM-dd); default today
    To:
      name: to
      in: query
      required: false
      schema: {type: string, format: date}
      description: last business day; default from
  responses:
    Error:
      description: An error
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
    WindowResult:
      description: The events the command produced and the window's new state
      content:
        application/json:
          schema:
            type: object
            properties:
              events: {type: array, items: {$ref: "#/components/schemas/Event"}}
              window: {$ref: "#/components/schemas/Window"}
  schemas:
    Error:
      type: object
      required: [error]
      properties:
        error:
          type: object
          required: [code, message_zh, message_en]
          properties:
            code: {type: string}
            message_zh: {type: string}
            message_en: {type: string}
    Outcome:
      type: string
      enum: [immediate, promised, joint, reported, replied]
      description: 即办件, 承诺件, 联办件, 上报件, 答复件
    Event:
      type: object
      required: [seq, kind, at, day]
      properties:
        seq: {type: integer}
        kind:
          type: string
          enum: [day_started, ticket_issued, clerk_signed_in, clerk_signed_out, window_paused, window_resumed,
                 ticket_called, ticket_recalled, ticket_no_show, ticket_transferred, ticket_finished, ticket_parked,
                 ticket_called_back, ticket_rated,
                 rating_not_given, rating_ignored, device_connected, device_lost]
        at: {type: string, format: date-time}
        day: {type: string, format: date}
        ticket: {type: string}
        number: {type: string}
        window: {type: integer}
        clerk: {type: string}
        category: {type: string}
        level: {type: integer}
        outcome: {$ref: "#/components/schemas/Outcome"}
        wait_seconds: {type: number}
        service_seconds: {type: number}
        reason: {type: string}
        source: {type: string}
      additionalProperties: true
    Window:
      type: object
      properties:
        number: {type: integer}
        name: {type: string}
        categories: {type: array, items: {type: string}}
        phase: {type: string, enum: [closed, idle, serving, paused, awaiting_rating]}
        paused: {type: boolean}
        clerk:
          type: object
          properties:
            id: {type: string}
            name: {type: string}
        serving:
          type: object
          properties:
            ticket: {type: string}
            number: {type: string}
            category: {type: string}
            first_called_at: {type: string, format: date-time}
            last_called_at: {type: string, format: date-time}
            recalls: {type: integer}
        awaiting_rating:
          type: object
          properties:
            ticket: {type: string}
            number: {type: string}
            deadline: {type: string, format: date-time}
    HallState:
      type: object
      properties:
        hall: {type: string}
        day: {type: string}
        now: {type: string, format: date-time}
        categories:
          type: array
          items:
            type: object
            properties:
              code: {type: string}
              name: {type: string}
              prefix: {type: string}
              waiting: {type: integer}
              checklist: {type: array, items: {type: string}}
              time_limit_minutes: {type: integer}
        windows: {type: array, items: {$ref: "#/components/schemas/Window"}}
        devices: {type: array, items: {$ref: "#/components/schemas/DeviceHealth"}}
        waiting:
          type: array
          items:
            type: object
            properties:
              ticket: {type: string}
              number: {type: string}
              category: {type: string}
              priority: {type: boolean}
              issued_at: {type: string, format: date-time}
              directed_window: {type: integer}
              transfers: {type: integer}
    DeviceHealth:
      type: object
      properties:
        id: {type: string}
        role: {type: string, enum: [evaluator, caller, window-display, hall-display, printer]}
        window: {type: integer}
        transport: {type: string}
        address: {type: string}
        state: {type: string, enum: [absent, connecting, connected, backoff, stopped]}
        since: {type: string, format: date-time}
        last_byte_at: {type: string, format: date-time}
        bytes_in: {type: integer}
        bytes_out: {type: integer}
        errors: {type: integer}
        dropped_frames: {type: integer}
        connects: {type: integer}
        last_error: {type: string}
    KioskTicket:
      type: object
      properties:
        ticket: {type: string}
        number: {type: string}
        category: {type: string}
        category_name: {type: string}
        priority: {type: boolean}
        issued_at: {type: string, format: date-time}
        waiting_ahead: {type: integer}
        checklist: {type: array, items: {type: string}}
        windows: {type: array, items: {type: integer}}
        printed: {type: boolean}
        repeated: {type: boolean, description: "the answer to a repeated request: the ticket already issued for it"}
    IssuedTicket:
      type: object
      properties:
        ticket: {type: string}
        number: {type: string}
        category: {type: string}
        category_name: {type: string}
        priority: {type: boolean}
        issued_at: {type: string, format: date-time}
        waiting_ahead: {type: integer}
        checklist: {type: array, items: {type: string}}
        windows: {type: array, items: {type: integer}}
    ReportRow:
      type: object
      properties:
        scope: {type: string}
        key: {type: string}
        name: {type: string}
        issued: {type: integer}
        served: {type: integer}
        no_shows: {type: integer}
        transferred_out: {type: integer}
        mean_wait_seconds: {type: number}
        p90_wait_seconds: {type: number}
        mean_service_seconds: {type: number}
        p90_service_seconds: {type: number}
        ratings: {type: array, items: {type: integer}, description: "index 0 = 非常不满意 … 4 = 非常满意"}
        rated: {type: integer}
        not_rated: {type: integer}
        ignored_presses: {type: integer}
        participation_rate: {type: number}
        satisfaction_rate: {type: number}
        score: {type: number}
        outcomes: {type: object, additionalProperties: {type: integer}}
        immediate_rate: {type: number}
        rank: {type: integer}
"""#
}
