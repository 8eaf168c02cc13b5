"""The two default evaluation grids of a new call (docs/domain.md 4): the full application's and
the concept note's, in English and Turkish, and the default discrepancy threshold for a grid's
maximum. They pre-fill the grid editor and can all be changed per call.
"""

from __future__ import annotations

from decimal import Decimal


def _section(
    code: str, title: tuple[str, str], threshold: str | None, criteria: list[dict]
) -> dict:
    return {
        "code": code,
        "title": title[0],
        "title_tr": title[1],
        "threshold": None if threshold is None else Decimal(threshold),
        "criteria": criteria,
    }


def _criterion(code: str, weight: int, title: tuple[str, str], guidance: tuple[str, str]) -> dict:
    return {
        "code": code,
        "title": title[0],
        "title_tr": title[1],
        "weight": weight,
        "description": guidance[0],
        "description_tr": guidance[1],
    }


# The guidance is the question the PRAG evaluation grid asks for each criterion, worded for a
# twinning of local authorities; in English (`title`, `description`) and Turkish (`..._tr`).
FULL_APPLICATION_GRID = {
    "pass_threshold": Decimal("50"),
    "tie_break_section": "2",
    "sections": [
        _section(
            "1",
            ("Financial and operational capacity", "Mali ve operasyonel kapasite"),
            "12",
            [
                _criterion(
                    "1.1",
                    1,
                    ("Experience", "Deneyim"),
                    (
                        "Do the lead applicant and its partners have enough experience of managing "
                        "projects of this kind "
                        "and size?",
                        "Başvuru sahibi ve ortakları bu tür ve büyüklükteki projeleri yönetmekte "
                        "yeterli deneyime sahip mi?",
                    ),
                ),
                _criterion(
                    "1.2",
                    1,
                    ("Technical expertise", "Teknik uzmanlık"),
                    (
                        "Do they have enough technical expertise in the field of the action, "
                        "notably of the issues it "
                        "addresses?",
                        "Eylemin alanında, özellikle ele aldığı konularda yeterli teknik uzmanlığa "
                        "sahipler mi?",
                    ),
                ),
                _criterion(
                    "1.3",
                    1,
                    ("Management capacity", "Yönetim kapasitesi"),
                    (
                        "Do they have enough management capacity: staff, equipment and the ability "
                        "to handle the budget "
                        "of the action?",
                        "Personel, ekipman ve eylemin bütçesini yönetebilme açısından yeterli "
                        "yönetim kapasitesine "
                        "sahipler mi?",
                    ),
                ),
                _criterion(
                    "1.4",
                    1,
                    ("Stable finance", "İstikrarlı finansman"),
                    (
                        "Does the lead applicant have stable and sufficient sources of finance, "
                        "including its "
                        "co-financing?",
                        "Başvuru sahibinin, eş finansman payı da dahil olmak üzere istikrarlı ve "
                        "yeterli mali kaynakları "
                        "var mı?",
                    ),
                ),
            ],
        ),
        _section(
            "2",
            ("Relevance", "İlgililik"),
            "15",
            [
                _criterion(
                    "2.1",
                    2,
                    ("Fit with the call's objectives", "Teklif çağrısının amaçlarına uygunluk"),
                    (
                        "How relevant is the proposal to the objectives and priorities of the "
                        "call, and to the lot it is "
                        "submitted to?",
                        "Teklif, çağrının amaç ve önceliklerine ve başvurulan lota ne ölçüde "
                        "uygun?",
                    ),
                ),
                _criterion(
                    "2.2",
                    2,
                    ("Fit with local needs", "Yerel ihtiyaçlara uygunluk"),
                    (
                        "How relevant is it to the particular needs and constraints of the two "
                        "municipalities and their "
                        "regions? Does it avoid duplicating other initiatives?",
                        "Teklif, iki belediyenin ve bölgelerinin kendine özgü ihtiyaç ve "
                        "kısıtlarına ne ölçüde uygun? "
                        "Başka girişimleri tekrar etmekten kaçınıyor mu?",
                    ),
                ),
                _criterion(
                    "2.3",
                    1,
                    ("Target groups", "Hedef gruplar"),
                    (
                        "Are the target groups and final beneficiaries clearly defined and well "
                        "chosen, are their needs "
                        "clear, and does the proposal address them?",
                        "Hedef gruplar ve nihai yararlanıcılar açıkça tanımlanmış ve iyi seçilmiş "
                        "mi; ihtiyaçları belli "
                        "mi ve teklif bu ihtiyaçlara karşılık veriyor mu?",
                    ),
                ),
            ],
        ),
        _section(
            "3",
            ("Design and implementation", "Tasarım ve uygulama"),
            None,
            [
                _criterion(
                    "3.1",
                    1,
                    ("Coherence", "Tutarlılık"),
                    (
                        "Is the overall design coherent: does it follow from an analysis of the "
                        "problems, and take "
                        "external factors and the stakeholders into account?",
                        "Eylemin genel tasarımı tutarlı mı: sorunların analizinden yola çıkıyor ve "
                        "dış etkenleri ve "
                        "paydaşları hesaba katıyor mu?",
                    ),
                ),
                _criterion(
                    "3.2",
                    2,
                    ("Feasibility of activities", "Faaliyetlerin uygulanabilirliği"),
                    (
                        "Are the activities practical and consistent with the objectives and "
                        "expected results, with a "
                        "realistic timetable and measurable indicators?",
                        "Faaliyetler uygulanabilir ve amaçlar ile beklenen sonuçlarla tutarlı mı; "
                        "zaman planı gerçekçi, "
                        "göstergeler ölçülebilir mi?",
                    ),
                ),
                _criterion(
                    "3.3",
                    2,
                    ("Partnership quality", "Ortaklığın niteliği"),
                    (
                        "Are both municipalities truly involved, with clear and balanced roles in "
                        "preparing and "
                        "carrying out the action?",
                        "Her iki belediye de eylemin hazırlanmasına ve yürütülmesine açık ve "
                        "dengeli rollerle gerçekten "
                        "katılıyor mu?",
                    ),
                ),
            ],
        ),
        _section(
            "4",
            ("Sustainability", "Sürdürülebilirlik"),
            None,
            [
                _criterion(
                    "4.1",
                    2,
                    ("Lasting twinning link", "Kalıcı eşleştirme bağı"),
                    (
                        "Is the link between the partner municipalities likely to last after the "
                        "grant ends (a twinning "
                        "agreement, joint plans, further exchanges)?",
                        "Ortak belediyeler arasındaki bağın hibe sona erdikten sonra da sürmesi "
                        "(kardeş şehir anlaşması, "
                        "ortak planlar, yeni değişimler) olası mı?",
                    ),
                ),
                _criterion(
                    "4.2",
                    1,
                    ("Multiplier effects", "Çarpan etkileri"),
                    (
                        "Is the action likely to have multiplier effects: replication by other "
                        "municipalities, extension, "
                        "sharing of what was learnt?",
                        "Eylemin çarpan etkileri olması olası mı: başka belediyelerce örnek "
                        "alınması, yaygınlaştırılması, "
                        "öğrenilenlerin paylaşılması?",
                    ),
                ),
            ],
        ),
        _section(
            "5",
            ("Budget and cost-effectiveness", "Bütçe ve maliyet etkinliği"),
            None,
            [
                _criterion(
                    "5.1",
                    2,
                    ("Cost-results ratio", "Maliyet-sonuç oranı"),
                    (
                        "Is the ratio between the estimated costs and the expected results "
                        "satisfactory?",
                        "Tahmini maliyetler ile beklenen sonuçlar arasındaki oran tatmin edici mi?",
                    ),
                ),
                _criterion(
                    "5.2",
                    1,
                    ("Budget realism", "Bütçenin gerçekçiliği"),
                    (
                        "Are the activities properly reflected in the budget lines, with realistic "
                        "quantities and unit "
                        "costs?",
                        "Faaliyetler bütçe kalemlerine gerçekçi miktar ve birim maliyetlerle doğru "
                        "biçimde yansıtılmış "
                        "mı?",
                    ),
                ),
            ],
        ),
    ],
}

CONCEPT_NOTE_GRID = {
    "pass_threshold": Decimal("30"),
    "tie_break_section": "1",
    "sections": [
        _section(
            "1",
            ("Relevance", "İlgililik"),
            None,
            [
                _criterion(
                    "1.1",
                    2,
                    ("Fit with the call's objectives", "Teklif çağrısının amaçlarına uygunluk"),
                    (
                        "How relevant is the proposal to the objectives and priorities of the "
                        "call?",
                        "Teklif, çağrının amaç ve önceliklerine ne ölçüde uygun?",
                    ),
                ),
                _criterion(
                    "1.2",
                    2,
                    ("Fit with local needs", "Yerel ihtiyaçlara uygunluk"),
                    (
                        "How relevant is it to the particular needs and constraints of the two "
                        "municipalities and their "
                        "regions?",
                        "Teklif, iki belediyenin ve bölgelerinin kendine özgü ihtiyaç ve "
                        "kısıtlarına ne ölçüde uygun?",
                    ),
                ),
                _criterion(
                    "1.3",
                    1,
                    ("Target groups", "Hedef gruplar"),
                    (
                        "Are the target groups and final beneficiaries clearly defined and well "
                        "chosen?",
                        "Hedef gruplar ve nihai yararlanıcılar açıkça tanımlanmış ve iyi seçilmiş "
                        "mi?",
                    ),
                ),
                _criterion(
                    "1.4",
                    1,
                    ("Added value of the twinning", "Eşleştirmenin katma değeri"),
                    (
                        "Does the twinning add something each municipality could not achieve alone "
                        "(exchange of practice, "
                        "EU experience, mutual understanding)?",
                        "Eşleştirme, belediyelerin tek başına elde edemeyeceği bir katkı (uygulama "
                        "alışverişi, AB "
                        "deneyimi, karşılıklı anlayış) sağlıyor mu?",
                    ),
                ),
            ],
        ),
        _section(
            "2",
            ("Design", "Tasarım"),
            None,
            [
                _criterion(
                    "2.1",
                    2,
                    ("Coherence of the action", "Eylemin tutarlılığı"),
                    (
                        "Is the action's design coherent, and do the proposed activities lead to "
                        "the expected results?",
                        "Eylemin tasarımı tutarlı mı; önerilen faaliyetler beklenen sonuçlara "
                        "ulaştırıyor mu?",
                    ),
                ),
                _criterion(
                    "2.2",
                    2,
                    ("Partnership", "Ortaklık"),
                    (
                        "Are the partners well chosen, with clear roles, and involved in the "
                        "design of the action?",
                        "Ortaklar iyi seçilmiş, rolleri açık ve eylemin tasarımına katılmışlar mı?",
                    ),
                ),
            ],
        ),
    ],
}


def default_discrepancy(max_total: int) -> Decimal:
    """Default discrepancy threshold: 20 % of the grid's maximum total."""
    return (Decimal(max_total) * Decimal("0.20")).quantize(Decimal("0.01"))
