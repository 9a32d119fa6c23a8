n = int(input())
nums = list(map(int, input().split()))
total = 0
for x in nums[:n]:
    total += x
print(total)
