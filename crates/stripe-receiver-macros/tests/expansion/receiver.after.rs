async fn on_charge(event: &Event, tx: &mut Tx<'_>) -> Result<(), BoxError> {
    record_charge(tx, &event.id).await?;
    Ok(())
}
const _: () = {
    #[allow(clippy::needless_lifetimes, clippy::unit_arg)]
    fn __stripe_call<'a>(
        mut __parts: ::stripe_receiver::__private::Input<
            'a,
            ::stripe_receiver::__private::kinds::receiver,
        >,
    ) -> ::stripe_receiver::__private::BoxFuture<
        'a,
        ::stripe_receiver::__private::CallResult,
    > {
        ::std::boxed::Box::pin(async move {
            let __arg0 = <&Event as ::stripe_receiver::__private::Arg<
                'a,
                ::stripe_receiver::__private::kinds::receiver,
            >>::extract(&mut __parts)?;
            let __arg1 = <&mut Tx<
                '_,
            > as ::stripe_receiver::__private::Arg<
                'a,
                ::stripe_receiver::__private::kinds::receiver,
            >>::extract(&mut __parts)?;
            let __future = ::stripe_receiver::__private::send_future(
                on_charge(__arg0, __arg1),
            );
            ::stripe_receiver::__private::IntoCallResult::<
                ::stripe_receiver::__private::kinds::receiver,
            >::into_call_result(__future.await)
        })
    }
    #[allow(clippy::extra_unused_lifetimes)]
    fn __stripe_requirements<'a>(
        __requirements: &mut ::stripe_receiver::__private::Requirements,
    ) {
        <&Event as ::stripe_receiver::__private::Arg<
            'a,
            ::stripe_receiver::__private::kinds::receiver,
        >>::require(__requirements);
        <&mut Tx<
            '_,
        > as ::stripe_receiver::__private::Arg<
            'a,
            ::stripe_receiver::__private::kinds::receiver,
        >>::require(__requirements);
    }
    ::stripe_receiver::__private::inventory::submit! {
        ::stripe_receiver::__private::Registration:: <
        ::stripe_receiver::__private::kinds::receiver >
        ::new(::stripe_receiver::__private::ReceiverData::new(& ["charge.succeeded",
        "charge.failed"]), ::core::concat!(::core::module_path!(), "::", "on_charge"),
        ::core::file!(), ::core::line!(), __stripe_call, __stripe_requirements,)
    }
};
