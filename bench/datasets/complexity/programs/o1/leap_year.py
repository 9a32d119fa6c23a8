def is_leap_year(year: int) -> bool:
    """Gregorian calendar rule."""
    if year % 400 == 0:
        return True
    if year % 100 == 0:
        return False
    return year % 4 == 0


if __name__ == "__main__":
    for y in (1900, 2000, 2023, 2024):
        print(y, is_leap_year(y))
