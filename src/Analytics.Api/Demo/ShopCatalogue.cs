namespace Analytics.Demo;

/// <summary>The generated shop's products (skus S0 … S4999): in CRM orders, product views and ratings alike.</summary>
static class ShopCatalogue
{
    public const int Products = 5000;

    /// <summary>A product's category and list price, the same wherever it appears.</summary>
    public static (string Category, double Price) Catalogue(int sku) => ($"Cat {sku % 40}", 9.99 + sku * 37 % 120);
}
