//! `#[derive(FromRow)]`: a struct decoded from a projection by column name. The names are
//! resolved into positions once per result (`RowCache::columns_by_name`), then every row reads
//! its fields by position.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr};

/// The expansion, or the error spanned at the offending item.
pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let Data::Struct(s) = &input.data else {
        return Err(syn::Error::new(input.ident.span(), "#[derive(FromRow)] needs a struct with named fields"));
    };
    let Fields::Named(named) = &s.fields else {
        return Err(syn::Error::new(s.fields.span(), "#[derive(FromRow)] needs a struct with named fields"));
    };
    let mut names = Vec::new();
    let mut inits = Vec::new();
    for (i, f) in named.named.iter().enumerate() {
        let ident = f.ident.as_ref().expect("named field");
        let mut column = ident.to_string().trim_start_matches("r#").to_owned();
        for attr in f.attrs.iter().filter(|a| a.path().is_ident("athanor")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("column") {
                    column = meta.value()?.parse::<LitStr>()?.value();
                    Ok(())
                } else {
                    Err(meta.error("#[derive(FromRow)] fields take only `column = \"name\"` (the result column or label)"))
                }
            })?;
        }
        let ty = &f.ty;
        names.push(column);
        inits.push(quote!(#ident: __a::row::get_at::<#ty>(row, at[#i])?));
    }
    let ident = &input.ident;
    let what = ident.to_string();
    let (impl_g, ty_g, where_g) = input.generics.split_for_impl();
    Ok(quote! {
        const _: () = {
            use ::athanor::__private as __a;
            impl #impl_g __a::model::FromRow for #ident #ty_g #where_g {
                fn from_row(row: &dyn __a::RowAccess, cache: &mut __a::model::RowCache) -> __a::Result<Self> {
                    let at = cache.columns_by_name(row, &[#(#names),*], #what)?;
                    ::core::result::Result::Ok(#ident { #(#inits,)* })
                }
            }
        };
    })
}
