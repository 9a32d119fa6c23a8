def sort_by_removing(nums):
    pool = list(nums)
    out = []
    while pool:
        smallest = min(pool)
        pool.remove(smallest)
        out.append(smallest)
    return out
