def pow_mod(base, exponent, modulus=1_000_000_007):
    if exponent == 0:
        return 1
    half = pow_mod(base, exponent // 2, modulus)
    result = half * half % modulus
    if exponent % 2:
        result = result * base % modulus
    return result
