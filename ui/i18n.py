"""Every string the kiosk's screens show, in English and German, keyed by name.

The domain's own texts (screener questions, reasons, donning steps) come from ``fitting``
with ``text(lang)``; everything else a screen shows is here. Both languages must hold
exactly the same keys (a test checks it, and that every key a screen asks for exists),
so a shopper never meets a raw key or a half-translated screen.

Wording: short sentences, the shopper addressed directly, calm; German uses "Sie".
"""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("en", "de")
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}

_EN: dict[str, str] = {
    # Common
    "app.name": "LegFit",
    "common.back": "Back",
    "common.next": "Next",
    "common.start_over": "Start over",
    "common.staff": "Staff",
    "common.done": "Done",
    "common.cancel": "Cancel",
    "common.left": "Left leg",
    "common.right": "Right leg",
    "common.step_of": "Step {index} of {total}",
    "common.question_of": "Question {index} of {total}",
    "common.cm": "{value} cm",
    "common.cm_pm": "{value} cm ± {sd}",
    # Attract
    "attract.title": "Find the right compression stockings",
    "attract.body": "We measure your lower legs with the camera in about three minutes, "
                    "check a few health questions and show you how to put them on.",
    "attract.privacy": "No photos are kept. No name needed.",
    "attract.start": "Start",
    "attract.language": "Language",
    # Language
    "language.title": "Choose your language",
    # Purpose
    "purpose.title": "What are the stockings for?",
    "purpose.travel": "Travel",
    "purpose.travel.detail": "Long flights, train or car journeys",
    "purpose.everyday": "Everyday",
    "purpose.everyday.detail": "Tired, heavy legs after standing or sitting",
    "purpose.sport": "Sport",
    "purpose.sport.detail": "Running, hiking and recovery",
    "purpose.medical": "Medical",
    "purpose.medical.detail": "Advised by a doctor, or with a prescription",
    # Screener
    "screener.title": "A few health questions",
    "screener.intro": "Please answer honestly. Some leg problems must be seen by a "
                      "doctor before wearing compression.",
    "screener.yes": "Yes",
    "screener.no": "No",
    # Referral outcomes: what to do, never a product
    "referral.emergency.title": "Call emergency services now",
    "referral.emergency.number": "112",
    "referral.emergency.body": "Breathlessness, chest pain or coughing blood can be a sign "
                               "of a blood clot in the lungs. Call 112 now, or ask any member "
                               "of staff to call for you.",
    "referral.emergency.calm": "Sit down and stay calm. Do not drive yourself.",
    "referral.emergency.staff": "Staff: please help now",
    "referral.emergency.staff_coming": "Thank you. Stay seated: staff are coming.",
    "referral.emergency.told": "I have told a member of staff",
    "referral.emergency.acknowledge": "Staff: sign in to close this alert",
    "referral.urgent_doctor.title": "Please see a doctor today",
    "referral.urgent_doctor.body": "Swelling, pain, warmth or redness in one leg can be a "
                                   "sign of a blood clot (DVT). Please do not wear "
                                   "compression stockings until a doctor has examined you.",
    "referral.urgent_doctor.action": "Call your doctor's practice or the out-of-hours "
                                     "service (116 117) today. Do not massage the leg. If "
                                     "you become short of breath or have chest pain, call "
                                     "112.",
    "referral.see_doctor.title": "Please talk to your doctor first",
    "referral.see_doctor.body": "Compression can harm some legs. Your doctor should check "
                                "your legs, for example the blood flow, before you wear "
                                "compression stockings.",
    "referral.see_doctor.action": "Make an appointment with your doctor and take this "
                                  "advice with you.",
    "referral.pharmacist.title": "Please talk to our pharmacist",
    "referral.pharmacist.body": "One of your answers needs a short check by our pharmacist "
                                "before we recommend a stocking.",
    "referral.pharmacist.action": "Please go to the counter. It only takes a few minutes.",
    "referral.made_to_measure.title": "Made-to-measure stockings fit you best",
    "referral.made_to_measure.body": "Your measurements are outside the standard sizes. "
                                     "Stockings made to your measurements fit better and "
                                     "work better.",
    "referral.made_to_measure.action": "A trained fitter can measure you. Please ask at "
                                       "the counter.",
    "referral.staff_check.title": "A member of staff will check your size",
    "referral.staff_check.body": "Your measurements are close to the line between two "
                                 "sizes, or your legs need different sizes.",
    "referral.staff_check.action": "Please ask at the counter. Staff will confirm the size "
                                   "with a tape measure.",
    "referral.possible_clot.title": "Staff will measure both legs first",
    "referral.possible_clot.body": "One leg may be swollen: your legs differ by close to "
                                   "the amount that can be a sign of a blood clot. The "
                                   "camera cannot tell for sure.",
    "referral.possible_clot.action": "Please ask at the counter now. Staff measure both "
                                     "legs with a tape measure. Do not massage the leg.",
    "referral.why": "Why",
    "idle.warning": "Are you still there? This screen starts over in {seconds} seconds.",
    "idle.still_here": "I'm still here",
    "voice.staff_call": "Staff, please come to the kiosk now: a shopper needs help.",
    "referral.code_hint": "Show this code at the counter: staff see your measurements "
                          "and this advice with it. It holds no name and no picture.",
    "referral.emergency.code": "For staff: fitting code {code}",
    # Measuring
    "measure_front.title": "Measuring: face the screen",
    "measure_side.title": "Measuring: stand sideways",
    "measure.instructions": "Stand on the green footprints, bare lower legs, arms relaxed.",
    "measure.progress": "Hold still",
    "measure.waiting": "Starting the camera …",
    "measure.refused": "We could not measure this time. Please follow the instructions "
                       "below and stand still again, or ask staff for help.",
    "guidance.no_person": "Please step onto the mat",
    "guidance.two_people": "Only one person on the mat, please",
    "guidance.step_on_footprints": "Stand on the green footprints",
    "guidance.legs_out_of_frame": "We need to see your feet and knees",
    "guidance.left_ankle_hidden": "We cannot see your left ankle",
    "guidance.right_ankle_hidden": "We cannot see your right ankle",
    "guidance.uncover_calves": "Please uncover your lower legs up to the knee",
    "guidance.too_dark": "It is too dark to measure. Please ask staff",
    "guidance.hold_still": "Hold still, please",
    "guidance.turn_to_side": "Turn to the side footprints",
    "guidance.face_camera": "Please face the screen",
    "guidance.ok": "Good. Keep holding still",
    "guidance.done": "Done. Thank you!",
    # Turn
    "turn.title": "Now turn to the side",
    "turn.body": "Turn so your right side faces the screen. Step onto the side footprints: "
                 "left foot forward, right foot back and nearer the screen.",
    "turn.ready": "I am standing sideways",
    # Review
    "review.title": "Your measurements",
    "review.cb": "Ankle (cB)",
    "review.cc": "Calf (cC)",
    "review.ld": "Length (lD)",
    "review.cb.meaning": "Ankle (cB): the narrowest part just above the ankle bone. It "
                         "decides your size.",
    "review.cc.meaning": "Calf (cC): the widest part of the calf. It must fit the same size.",
    "review.ld.meaning": "Length (lD): from the floor to two finger widths below the knee. "
                         "A knee-high stocking ends here.",
    "review.pm.meaning": "± shows how exact the measurement is: the true value is very "
                         "likely within this range.",
    "review.tape": "Measured by staff with a tape measure.",
    "review.camera": "Measured by the camera.",
    "review.unknown": "not measured",
    "review.next": "See my recommendation",
    # Recommendation
    "recommendation.title": "Our recommendation",
    "recommendation.size": "Size",
    "recommendation.length": "Length",
    "recommendation.class": "Compression",
    "recommendation.mmhg": "{low}–{high} mmHg",
    "recommendation.legs": "For",
    "recommendation.both_legs": "both legs",
    "recommendation.why": "Why this stocking",
    "recommendation.illustrative": "Demo catalogue: sizes are illustrative, not a real "
                                   "brand's chart.",
    "recommendation.none": "No standard product fits. Please ask at the counter.",
    "recommendation.next": "How to put them on",
    "length.knee_high": "Knee-high",
    "length.thigh_high": "Thigh-high",
    "length.sock": "Sock",
    "length.short": "Short",
    "length.long": "Long",
    "length.regular": "Regular",
    "length.normal": "Normal",
    "length.one_length": "One length",
    # Donning
    "donning.title": "Putting them on and caring for them",
    "donning.kind.step": "Step",
    "donning.kind.warning": "Important",
    "donning.kind.care": "Care",
    "donning.previous": "Previous",
    "donning.finish": "Finish",
    "donning.skip": "Skip to my code",
    # Handoff
    "handoff.title": "Your fitting code",
    "handoff.body": "Show this code at the counter. Staff can see your sizes with it. "
                    "It holds no name and no picture.",
    "handoff.print": "Print slip",
    "handoff.printed": "Your slip is printing.",
    "handoff.print_failed": "The slip could not be printed. Please show the code at the "
                            "counter.",
    "handoff.finish": "Finish",
    # Staff PIN
    "staff_pin.title": "Staff sign-in",
    "staff_pin.body": "Enter the staff PIN.",
    "staff_pin.ok": "OK",
    "staff_pin.clear": "Clear",
    "staff_pin.wrong": "Wrong PIN.",
    "staff_pin.wrong_tries": "Wrong PIN. {tries} tries left.",
    "staff_pin.locked": "Locked after too many wrong PINs. Try again in a few minutes.",
    # Staff
    "staff.title": "Staff",
    "staff.tab.tape": "Tape",
    "staff.tab.review": "Review",
    "staff.tab.calibration": "Calibration",
    "staff.tab.catalogue": "Catalogue",
    "staff.tab.history": "History",
    "staff.tape.body": "Enter or correct any girth in centimetres. Tape values replace the "
                       "camera's.",
    "staff.tape.apply": "Use these values",
    "staff.tape.ankle": "Ankle cB (cm)",
    "staff.tape.calf": "Calf cC (cm)",
    "staff.tape.length": "Length lD (cm)",
    "staff.tape.hint": "Tape values replace the camera's.",
    "staff.tape.field.ankle_mm": "Ankle cB",
    "staff.tape.field.calf_mm": "Calf cC",
    "staff.tape.field.knee_high_length_mm": "Length lD",
    "staff.tape.value": "{value}\u00a0cm",
    "staff.tape.decimal": ".",
    "staff.tape.backspace": "Delete the last digit",
    "staff.tape.clear": "Clear",
    "staff.tape.next": "Next field",
    "staff.tape.apply_anyway": "Apply anyway",
    "staff.tape.range": "Outside {low}–{high}\u00a0cm",
    "staff.tape.swelling.ankle_mm": "Ankles differ by {difference} \u2013 possible one-sided "
                                    "swelling: re-measure both legs",
    "staff.tape.swelling.calf_mm": "Calves differ by {difference} \u2013 possible one-sided "
                                   "swelling: re-measure both legs",
    "staff.tape.swelling.both": "Ankles differ by {ankle}, calves by {calf} \u2013 possible "
                                "one-sided swelling: re-measure both legs",
    "staff.review.none": "No camera measurement in this session.",
    "staff.review.profile": "Width profile (mm) by height above the floor (mm)",
    "staff.review.girths": "{leg}: ankle cB {ankle}\u00a0±\u00a0{ankle_sd}\u00a0mm, "
                           "calf cC {calf}\u00a0±\u00a0{calf_sd}\u00a0mm",
    "staff.review.confidence.high": "Camera measurement: high confidence.",
    "staff.review.confidence.lower": "Camera measurement: lower confidence. Check these "
                                     "girths with a tape:",
    "staff.calibration.capture": "Capture view",
    "staff.calibration.finish": "Finish calibration",
    "staff.calibration.status": "Calibration",
    "staff.calibration.no_frame": "No camera picture yet.",
    "staff.catalogue.file": "File",
    "staff.catalogue.products": "Products",
    "staff.catalogue.illustrative": "Illustrative",
    "staff.catalogue.errors": "Errors",
    "staff.catalogue.yes": "yes",
    "staff.catalogue.no": "no",
    "staff.history.code": "Code",
    "staff.history.time": "Time",
    "staff.history.outcome": "Outcome",
    "staff.history.girths": "Girth mm",
    "staff.history.product": "Product",
    "staff.lookup.placeholder": "Type or scan a code",
    "staff.lookup.find": "Find",
    "staff.lookup.none": "No fitting with the code {code}.",
    "staff.lookup.camera": "The camera had measured: {girths}",
    "staff.review.tape_vs_camera": "Tape minus camera (mm):",
    "staff.review.tape_minus_camera": "{leg}: ankle {ankle}, calf {calf}",
    "outcome.emergency": "Emergency",
    "outcome.urgent_doctor": "Doctor today",
    "outcome.see_doctor": "See a doctor",
    "outcome.pharmacist": "Pharmacist",
    "outcome.made_to_measure": "Made to measure",
    "outcome.staff_check": "Staff check",
    "outcome.recommend": "Recommended",
    "staff.exit": "Leave staff mode",
    "staff.quit": "Close kiosk",
    # Setup
    "setup.title": "This kiosk needs setting up",
    "setup.body": "The camera has no valid calibration, so it cannot measure yet.",
    "setup.steps": "1. Lay the floor mat flat in front of the camera.\n"
                   "2. Sign in as staff and open Calibration.\n"
                   "3. Follow the steps on screen, then restart the kiosk.",
    "setup.staff": "Staff sign-in",
    # Errors shown on screen
    "error.camera": "The camera is not responding. Please wait or ask staff.",
    # Slip
    "slip.title": "LegFit fitting slip",
    "slip.code": "Fitting code",
    "slip.date": "Date",
    "slip.recommendation": "Recommendation",
    "slip.outcome": "Result",
    "slip.donning": "Putting them on",
    "slip.footer": "This slip holds no name and no picture. Take off the stockings and "
                   "seek advice if your toes tingle, go numb or change colour, or if "
                   "wearing them hurts.",
}

_DE: dict[str, str] = {
    "app.name": "LegFit",
    "common.back": "Zurück",
    "common.next": "Weiter",
    "common.start_over": "Neu beginnen",
    "common.staff": "Personal",
    "common.done": "Fertig",
    "common.cancel": "Abbrechen",
    "common.left": "Linkes Bein",
    "common.right": "Rechtes Bein",
    "common.step_of": "Schritt {index} von {total}",
    "common.question_of": "Frage {index} von {total}",
    "common.cm": "{value} cm",
    "common.cm_pm": "{value} cm ± {sd}",
    "attract.title": "Die passenden Kompressions­strümpfe finden",
    "attract.body": "Wir messen Ihre Unterschenkel mit der Kamera in etwa drei Minuten, "
                    "stellen einige Gesundheitsfragen und zeigen Ihnen das Anziehen.",
    "attract.privacy": "Es werden keine Fotos gespeichert. Kein Name nötig.",
    "attract.start": "Starten",
    "attract.language": "Sprache",
    "language.title": "Wählen Sie Ihre Sprache",
    "purpose.title": "Wofür sind die Strümpfe?",
    "purpose.travel": "Reise",
    "purpose.travel.detail": "Lange Flüge, Bahn- oder Autofahrten",
    "purpose.everyday": "Alltag",
    "purpose.everyday.detail": "Müde, schwere Beine nach Stehen oder Sitzen",
    "purpose.sport": "Sport",
    "purpose.sport.detail": "Laufen, Wandern und Erholung",
    "purpose.medical": "Medizinisch",
    "purpose.medical.detail": "Vom Arzt empfohlen oder mit Rezept",
    "screener.title": "Einige Gesundheitsfragen",
    "screener.intro": "Bitte antworten Sie ehrlich. Manche Beinbeschwerden muss ein Arzt "
                      "ansehen, bevor Sie Kompression tragen.",
    "screener.yes": "Ja",
    "screener.no": "Nein",
    "referral.emergency.title": "Rufen Sie jetzt den Notruf",
    "referral.emergency.number": "112",
    "referral.emergency.body": "Atemnot, Schmerzen in der Brust oder Bluthusten können "
                               "Zeichen eines Blutgerinnsels in der Lunge sein. Rufen Sie "
                               "jetzt die 112 oder bitten Sie das Personal, für Sie "
                               "anzurufen.",
    "referral.emergency.calm": "Setzen Sie sich und bleiben Sie ruhig. Fahren Sie nicht "
                               "selbst.",
    "referral.emergency.staff": "Personal: bitte sofort helfen",
    "referral.emergency.staff_coming": "Danke. Bleiben Sie sitzen: Das Personal kommt.",
    "referral.emergency.told": "Ich habe dem Personal Bescheid gesagt",
    "referral.emergency.acknowledge": "Personal: anmelden, um diesen Alarm zu beenden",
    "referral.urgent_doctor.title": "Bitte gehen Sie heute zum Arzt",
    "referral.urgent_doctor.body": "Schwellung, Schmerzen, Wärme oder Rötung an einem Bein "
                                   "können Zeichen eines Blutgerinnsels (Thrombose) sein. "
                                   "Bitte tragen Sie keine Kompressionsstrümpfe, bis ein "
                                   "Arzt Sie untersucht hat.",
    "referral.urgent_doctor.action": "Rufen Sie heute Ihre Arztpraxis oder den ärztlichen "
                                     "Bereitschaftsdienst (116 117) an. Massieren Sie das "
                                     "Bein nicht. Bei Atemnot oder Brustschmerzen rufen Sie "
                                     "die 112.",
    "referral.see_doctor.title": "Bitte sprechen Sie zuerst mit Ihrem Arzt",
    "referral.see_doctor.body": "Kompression kann manchen Beinen schaden. Ihr Arzt sollte "
                                "Ihre Beine, zum Beispiel die Durchblutung, prüfen, bevor "
                                "Sie Kompressionsstrümpfe tragen.",
    "referral.see_doctor.action": "Vereinbaren Sie einen Termin bei Ihrem Arzt und nehmen "
                                  "Sie diesen Hinweis mit.",
    "referral.pharmacist.title": "Bitte sprechen Sie mit unserem Apotheker",
    "referral.pharmacist.body": "Eine Ihrer Antworten braucht eine kurze Prüfung durch "
                                "unseren Apotheker, bevor wir einen Strumpf empfehlen.",
    "referral.pharmacist.action": "Bitte gehen Sie zur Theke. Es dauert nur wenige "
                                  "Minuten.",
    "referral.made_to_measure.title": "Maßgefertigte Strümpfe passen Ihnen am besten",
    "referral.made_to_measure.body": "Ihre Maße liegen außerhalb der Standardgrößen. "
                                     "Nach Maß gefertigte Strümpfe sitzen und wirken "
                                     "besser.",
    "referral.made_to_measure.action": "Eine geschulte Fachkraft kann Sie vermessen. Bitte "
                                       "fragen Sie an der Theke.",
    "referral.staff_check.title": "Unser Personal prüft Ihre Größe",
    "referral.staff_check.body": "Ihre Maße liegen nahe an der Grenze zwischen zwei Größen, "
                                 "oder Ihre Beine brauchen verschiedene Größen.",
    "referral.staff_check.action": "Bitte fragen Sie an der Theke. Das Personal bestätigt "
                                   "die Größe mit dem Maßband.",
    "referral.possible_clot.title": "Das Personal misst zuerst beide Beine",
    "referral.possible_clot.body": "Ein Bein ist vielleicht geschwollen: Ihre Beine "
                                   "unterscheiden sich fast so stark, wie es ein Zeichen "
                                   "eines Blutgerinnsels sein kann. Die Kamera kann das "
                                   "nicht sicher sagen.",
    "referral.possible_clot.action": "Bitte gehen Sie jetzt zur Theke. Das Personal misst "
                                     "beide Beine mit dem Maßband. Massieren Sie das Bein "
                                     "nicht.",
    "referral.why": "Warum",
    "idle.warning": "Sind Sie noch da? Dieser Bildschirm beginnt in {seconds} Sekunden von "
                    "vorn.",
    "idle.still_here": "Ich bin noch da",
    "voice.staff_call": "Personal, bitte sofort zum Terminal kommen: Hier braucht jemand "
                        "Hilfe.",
    "referral.code_hint": "Zeigen Sie diesen Code an der Theke: Damit sieht das Personal "
                          "Ihre Maße und diesen Hinweis. Er enthält keinen Namen und kein "
                          "Bild.",
    "referral.emergency.code": "Für das Personal: Anprobe-Code {code}",
    "measure_front.title": "Messung: Blick zum Bildschirm",
    "measure_side.title": "Messung: seitlich stehen",
    "measure.instructions": "Stellen Sie sich auf die grünen Fußabdrücke, Unterschenkel "
                            "frei, Arme locker.",
    "measure.progress": "Bitte still stehen",
    "measure.waiting": "Die Kamera startet …",
    "measure.refused": "Die Messung hat diesmal nicht geklappt. Bitte folgen Sie den "
                       "Hinweisen unten und stehen Sie noch einmal still, oder fragen Sie "
                       "das Personal.",
    "guidance.no_person": "Bitte stellen Sie sich auf die Matte",
    "guidance.two_people": "Bitte nur eine Person auf der Matte",
    "guidance.step_on_footprints": "Stellen Sie sich auf die grünen Fußabdrücke",
    "guidance.legs_out_of_frame": "Ihre Füße und Knie müssen zu sehen sein",
    "guidance.left_ankle_hidden": "Ihr linker Knöchel ist nicht zu sehen",
    "guidance.right_ankle_hidden": "Ihr rechter Knöchel ist nicht zu sehen",
    "guidance.uncover_calves": "Bitte machen Sie Ihre Unterschenkel bis zum Knie frei",
    "guidance.too_dark": "Es ist zu dunkel zum Messen. Bitte fragen Sie das Personal",
    "guidance.hold_still": "Bitte still stehen",
    "guidance.turn_to_side": "Drehen Sie sich zu den seitlichen Fußabdrücken",
    "guidance.face_camera": "Bitte schauen Sie zum Bildschirm",
    "guidance.ok": "Gut. Bitte weiter still stehen",
    "guidance.done": "Fertig. Vielen Dank!",
    "turn.title": "Jetzt seitlich drehen",
    "turn.body": "Drehen Sie sich so, dass Ihre rechte Seite zum Bildschirm zeigt. Stellen "
                 "Sie sich auf die seitlichen Fußabdrücke: linker Fuß vorn, rechter Fuß "
                 "hinten und näher am Bildschirm.",
    "turn.ready": "Ich stehe seitlich",
    "review.title": "Ihre Maße",
    "review.cb": "Knöchel (cB)",
    "review.cc": "Wade (cC)",
    "review.ld": "Länge (lD)",
    "review.cb.meaning": "Knöchel (cB): die schmalste Stelle direkt über dem Knöchel. Sie "
                         "bestimmt Ihre Größe.",
    "review.cc.meaning": "Wade (cC): die dickste Stelle der Wade. Sie muss zur selben Größe "
                         "passen.",
    "review.ld.meaning": "Länge (lD): vom Boden bis zwei Finger breit unter dem Knie. Dort "
                         "endet ein Kniestrumpf.",
    "review.pm.meaning": "± zeigt, wie genau gemessen wurde: Der wahre Wert liegt sehr "
                         "wahrscheinlich in diesem Bereich.",
    "review.tape": "Vom Personal mit dem Maßband gemessen.",
    "review.camera": "Von der Kamera gemessen.",
    "review.unknown": "nicht gemessen",
    "review.next": "Meine Empfehlung ansehen",
    "recommendation.title": "Unsere Empfehlung",
    "recommendation.size": "Größe",
    "recommendation.length": "Länge",
    "recommendation.class": "Kompression",
    "recommendation.mmhg": "{low}–{high} mmHg",
    "recommendation.legs": "Für",
    "recommendation.both_legs": "beide Beine",
    "recommendation.why": "Warum dieser Strumpf",
    "recommendation.illustrative": "Demo-Katalog: Die Größen sind Beispiele, keine echte "
                                   "Größentabelle eines Herstellers.",
    "recommendation.none": "Kein Standardprodukt passt. Bitte fragen Sie an der Theke.",
    "recommendation.next": "So ziehen Sie sie an",
    "length.knee_high": "Kniestrumpf",
    "length.thigh_high": "Schenkelstrumpf",
    "length.sock": "Socke",
    "length.short": "Kurz",
    "length.long": "Lang",
    "length.regular": "Normal",
    "length.normal": "Normal",
    "length.one_length": "Einheitslänge",
    "donning.title": "Anziehen und Pflege",
    "donning.kind.step": "Schritt",
    "donning.kind.warning": "Wichtig",
    "donning.kind.care": "Pflege",
    "donning.previous": "Zurück",
    "donning.finish": "Fertig",
    "donning.skip": "Zu meinem Code springen",
    "handoff.title": "Ihr Anprobe-Code",
    "handoff.body": "Zeigen Sie diesen Code an der Theke. Damit sieht das Personal Ihre "
                    "Größen. Er enthält keinen Namen und kein Bild.",
    "handoff.print": "Beleg drucken",
    "handoff.printed": "Ihr Beleg wird gedruckt.",
    "handoff.print_failed": "Der Beleg konnte nicht gedruckt werden. Bitte zeigen Sie den "
                            "Code an der Theke.",
    "handoff.finish": "Fertig",
    "staff_pin.title": "Anmeldung Personal",
    "staff_pin.body": "Geben Sie die Personal-PIN ein.",
    "staff_pin.ok": "OK",
    "staff_pin.clear": "Löschen",
    "staff_pin.wrong": "Falsche PIN.",
    "staff_pin.wrong_tries": "Falsche PIN. Noch {tries} Versuche.",
    "staff_pin.locked": "Nach zu vielen falschen PINs gesperrt. Bitte in einigen Minuten "
                        "erneut versuchen.",
    "staff.title": "Personal",
    "staff.tab.tape": "Maßband",
    "staff.tab.review": "Prüfung",
    "staff.tab.calibration": "Kalibrierung",
    "staff.tab.catalogue": "Katalog",
    "staff.tab.history": "Verlauf",
    "staff.tape.body": "Geben Sie Umfänge in Zentimetern ein oder korrigieren Sie sie. "
                       "Maßbandwerte ersetzen die Kamerawerte.",
    "staff.tape.apply": "Diese Werte verwenden",
    "staff.tape.ankle": "Knöchel cB (cm)",
    "staff.tape.calf": "Wade cC (cm)",
    "staff.tape.length": "Länge lD (cm)",
    "staff.tape.hint": "Maßbandwerte ersetzen die Kamerawerte.",
    "staff.tape.field.ankle_mm": "Knöchel cB",
    "staff.tape.field.calf_mm": "Wade cC",
    "staff.tape.field.knee_high_length_mm": "Länge lD",
    "staff.tape.value": "{value}\u00a0cm",
    "staff.tape.decimal": ",",
    "staff.tape.backspace": "Letzte Ziffer löschen",
    "staff.tape.clear": "Löschen",
    "staff.tape.next": "Nächstes Feld",
    "staff.tape.apply_anyway": "Trotzdem verwenden",
    "staff.tape.range": "Außerhalb {low}–{high}\u00a0cm",
    "staff.tape.swelling.ankle_mm": "Knöchel unterscheiden sich um {difference} \u2013 "
                                    "mögliche einseitige Schwellung: beide Beine neu messen",
    "staff.tape.swelling.calf_mm": "Waden unterscheiden sich um {difference} \u2013 "
                                   "mögliche einseitige Schwellung: beide Beine neu messen",
    "staff.tape.swelling.both": "Knöchel unterscheiden sich um {ankle}, Waden um {calf} "
                                "\u2013 mögliche einseitige Schwellung: beide Beine neu "
                                "messen",
    "staff.review.none": "Keine Kameramessung in dieser Sitzung.",
    "staff.review.profile": "Breitenprofil (mm) nach Höhe über dem Boden (mm)",
    "staff.review.girths": "{leg}: Knöchel cB {ankle}\u00a0±\u00a0{ankle_sd}\u00a0mm, "
                           "Wade cC {calf}\u00a0±\u00a0{calf_sd}\u00a0mm",
    "staff.review.confidence.high": "Kameramessung: hohe Sicherheit.",
    "staff.review.confidence.lower": "Kameramessung: geringere Sicherheit. Bitte diese "
                                     "Umfänge mit dem Maßband prüfen:",
    "staff.calibration.capture": "Ansicht aufnehmen",
    "staff.calibration.finish": "Kalibrierung abschließen",
    "staff.calibration.status": "Kalibrierung",
    "staff.calibration.no_frame": "Noch kein Kamerabild.",
    "staff.catalogue.file": "Datei",
    "staff.catalogue.products": "Produkte",
    "staff.catalogue.illustrative": "Beispiel",
    "staff.catalogue.errors": "Fehler",
    "staff.catalogue.yes": "ja",
    "staff.catalogue.no": "nein",
    "staff.history.code": "Code",
    "staff.history.time": "Zeit",
    "staff.history.outcome": "Ergebnis",
    "staff.history.girths": "Umfang mm",
    "staff.history.product": "Produkt",
    "staff.lookup.placeholder": "Code tippen oder scannen",
    "staff.lookup.find": "Suchen",
    "staff.lookup.none": "Keine Anprobe mit dem Code {code}.",
    "staff.lookup.camera": "Die Kamera hatte gemessen: {girths}",
    "staff.review.tape_vs_camera": "Maßband minus Kamera (mm):",
    "staff.review.tape_minus_camera": "{leg}: Knöchel {ankle}, Wade {calf}",
    "outcome.emergency": "Notfall",
    "outcome.urgent_doctor": "Heute zum Arzt",
    "outcome.see_doctor": "Zum Arzt",
    "outcome.pharmacist": "Apotheker",
    "outcome.made_to_measure": "Maßanfertigung",
    "outcome.staff_check": "Prüfung durch Personal",
    "outcome.recommend": "Empfohlen",
    "staff.exit": "Personalmodus verlassen",
    "staff.quit": "Kiosk schließen",
    "setup.title": "Dieser Kiosk muss eingerichtet werden",
    "setup.body": "Die Kamera hat keine gültige Kalibrierung und kann noch nicht messen.",
    "setup.steps": "1. Legen Sie die Bodenmatte flach vor die Kamera.\n"
                   "2. Melden Sie sich als Personal an und öffnen Sie Kalibrierung.\n"
                   "3. Folgen Sie den Schritten am Bildschirm und starten Sie den Kiosk neu.",
    "setup.staff": "Anmeldung Personal",
    "error.camera": "Die Kamera antwortet nicht. Bitte warten oder Personal fragen.",
    "slip.title": "LegFit Anprobe-Beleg",
    "slip.code": "Anprobe-Code",
    "slip.date": "Datum",
    "slip.recommendation": "Empfehlung",
    "slip.outcome": "Ergebnis",
    "slip.donning": "Anziehen",
    "slip.footer": "Dieser Beleg enthält keinen Namen und kein Bild. Ziehen Sie die Strümpfe "
                   "aus und holen Sie Rat ein, wenn Ihre Zehen kribbeln, taub werden oder "
                   "sich verfärben, oder wenn das Tragen schmerzt.",
}

STRINGS: dict[str, dict[str, str]] = {"en": _EN, "de": _DE}


class MissingString(KeyError):
    """A screen asked for a string that is not in the table (a bug, caught by the tests)."""


def tr(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    table = STRINGS.get(lang)
    if table is None:
        raise MissingString(f"no strings for language {lang!r}")
    try:
        text = table[key]
    except KeyError:
        raise MissingString(f"no {lang} string for {key!r}") from None
    return text.format(**values) if values else text


def format_cm(value_mm: float | None, sd_mm: float | None, lang: str) -> str:
    """A girth or length in cm with one decimal (German decimal comma), with ± if known."""
    if value_mm is None:
        return ""

    def number(mm: float) -> str:
        text = f"{mm / 10:.1f}"
        return text.replace(".", ",") if lang == "de" else text

    if sd_mm is None:
        return tr("common.cm", lang, value=number(value_mm))
    return tr("common.cm_pm", lang, value=number(value_mm), sd=number(sd_mm))
