using Boomerang.Server.Dedup2D.Precision;

namespace Boomerang.UnitTests.Dedup2D;

public sealed class HungarianTests
{
    [Fact]
    public void The_assignment_beats_greedy_where_greedy_is_wrong()
    {
        // Greedy takes (0,0)=0.9 and is left with (1,1)=0.1: 1.0 in all. The optimum is 0.8 + 0.8.
        var sim = new double[,] { { 0.9, 0.8 }, { 0.8, 0.1 } };

        var assignment = Hungarian.MaximiseAssignment(sim);

        Assert.Equal([1, 0], assignment);
    }

    [Fact]
    public void A_rectangular_matrix_leaves_the_extra_rows_unassigned()
    {
        var sim = new double[,] { { 0.1 }, { 0.9 }, { 0.5 } };

        Assert.Equal([-1, 0, -1], Hungarian.MaximiseAssignment(sim));
    }

    [Fact]
    public void The_assignment_matches_brute_force_on_random_matrices()
    {
        var random = new Random(42);
        for (var round = 0; round < 50; round++)
        {
            var n = random.Next(1, 6);
            var sim = new double[n, n];
            for (var i = 0; i < n; i++) { for (var j = 0; j < n; j++) { sim[i, j] = random.NextDouble(); } }

            var assignment = Hungarian.MaximiseAssignment(sim);
            var total = assignment.Select((j, i) => sim[i, j]).Sum();

            Assert.Equal(BestByBruteForce(sim, n), total, 9);
        }
    }

    private static double BestByBruteForce(double[,] sim, int n)
    {
        static IEnumerable<int[]> Permutations(int[] items) => items.Length <= 1 ? [items]
            : items.SelectMany(x => Permutations(items.Where(y => y != x).ToArray()).Select(rest => (int[])[x, .. rest]));
        return Permutations(Enumerable.Range(0, n).ToArray()).Max(p => p.Select((j, i) => sim[i, j]).Sum());
    }
}
