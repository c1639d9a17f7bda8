"""The register's ФЛК vocabulary (ERZ-7): the coded failure and the dictionary of its codes.

Every refusal of the register carries a code from :data:`ERROR_CODES`, stable enough to be
written into an ФЛК protocol (``OSHIB``), shown to an operator and sent to a clinic or an
insurer (a SOAP fault ``Client.Flk.<code>``, an ``erz.operation.result``). The codes are
published, so they live in contracts; raising them (``ErzError``) is the handler's business.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR_CODES: dict[str, str] = {
    # format and check digits (1xx)
    "101": "ЕНП должен состоять из 16 цифр",
    "102": "Неверное контрольное число ЕНП",
    "103": "СНИЛС должен состоять из 11 цифр",
    "104": "Неверное контрольное число СНИЛС",
    "105": "Неверный формат номера полиса для его типа",
    "106": "Обязательное поле не заполнено",
    "107": "Неверный формат серии или номера документа",
    "108": "Неверный формат телефона или адреса электронной почты",
    # dictionaries (2xx)
    "201": "Тип документа, удостоверяющего личность, отсутствует в справочнике",
    "202": "Тип полиса отсутствует в справочнике",
    "203": "Пол отсутствует в справочнике",
    "204": "Причина изменения отсутствует в справочнике",
    "205": "Код события отсутствует в справочнике",
    "206": "Способ прикрепления отсутствует в справочнике",
    # dates (3xx)
    "301": "Дата в будущем",
    "302": "Дата окончания раньше даты начала",
    "303": "Дата раньше даты рождения",
    "304": "Дата после даты смерти",
    "305": "Для временного свидетельства обязательна дата окончания",
    # state of the register (4xx)
    "401": "ЗЛ с таким ЕНП не найдено",
    "402": "ЗЛ с таким ЕНП уже существует",
    "403": "Период действия полиса пересекается с другим действующим полисом",
    "404": "Период прикрепления пересекается с другим прикреплением",
    "405": "Нет действующего полиса на дату",
    "406": "Нет действующего прикрепления на дату",
    "407": "Смерть ЗЛ уже зарегистрирована",
    "408": "Полис не найден",
    "409": "Полис уже аннулирован",
    "410": "Участок назначения совпадает с исходным",
    # the federal register (5xx)
    "501": "ФЕРЗЛ отказал в регистрации прикрепления",
    "502": "ФЕРЗЛ не ответил: прикрепление не зарегистрировано, пришлите его снова",
}


@dataclass(frozen=True)
class Failure:
    """One failed check: its code, the field it concerns and a human-readable text."""

    code: str
    field: str
    message: str = ""

    def __post_init__(self) -> None:
        if not self.message:
            object.__setattr__(self, "message", ERROR_CODES.get(self.code, self.code))
